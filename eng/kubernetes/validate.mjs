// Validates rendered Kubernetes manifests against the schemas of kubernetes-models and
// @kubernetes-models/prometheus-operator:
//   kubectl kustomize deploy/kubernetes/overlays/single | node eng/kubernetes/validate.mjs
// Reads a multi-document YAML stream from stdin; prints `ok <kind>/<name>` or `error <kind>/<name>: <message>` per
// object; exits 1 if any object (or the stream itself) has an error. (npm ci in eng/kubernetes first.)
//
// Two checks per object:
//  1. The model's own validate(): types, enums, required fields (`replicas: "two"` is refused).
//  2. Unknown fields. The models' schemas do not forbid properties they do not name, so a misspelt `contaners:` or
//     `imagee:` would pass. The object is validated a second time through proxies that record which properties the
//     schema's validator asks for: a key of the object it never asked for is not in the schema. An object whose
//     schema is a map (labels, data, resources.limits) is enumerated by the validator, so all its keys count as known;
//     an object the validator read nothing of has no properties in its schema (free-form) and is not checked.
import { parseAllDocuments } from "yaml";

// apiVersion -> the module with its models. Only the API groups the deployment uses; any other is an error.
const modules = {
  v1: () => import("kubernetes-models/v1"),
  "apps/v1": () => import("kubernetes-models/apps/v1"),
  "policy/v1": () => import("kubernetes-models/policy/v1"),
  "autoscaling/v1": () => import("kubernetes-models/autoscaling/v1"),
  "autoscaling/v2": () => import("kubernetes-models/autoscaling/v2"),
  "networking.k8s.io/v1": () => import("kubernetes-models/networking.k8s.io/v1"),
  "monitoring.coreos.com/v1": () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1"),
};

async function modelClass(apiVersion, kind) {
  const load = modules[apiVersion];
  if (!load) {
    throw new Error(`unknown apiVersion ${JSON.stringify(apiVersion)} (known: ${Object.keys(modules).join(", ")})`);
  }
  const cls = (await load())[kind];
  if (typeof cls !== "function" || cls.apiVersion !== apiVersion || cls.kind !== kind) {
    throw new Error(`unknown kind ${JSON.stringify(kind)} in ${apiVersion}`);
  }
  return cls;
}

const isObject = (v) => v !== null && typeof v === "object";

/** Runs `validate` on `model` through proxies and returns the paths of the keys its schema does not name. */
function unknownFields(model) {
  const seen = new Map(); // raw object -> { path, read: Set, enumerated }
  const proxies = new Map(); // raw object -> its proxy

  const wrap = (target, path) => {
    if (!isObject(target)) return target;
    let proxy = proxies.get(target);
    if (proxy) return proxy;
    const record = { path, read: new Set(), enumerated: false };
    seen.set(target, record);
    const child = (key) => (Array.isArray(target) ? `${path}[${String(key)}]` : `${path}.${String(key)}`);
    proxy = new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver);
        if (typeof key !== "string") return value;
        record.read.add(key);
        // Methods of the model (validate, toJSON) and prototype members are not data.
        if (!Object.prototype.hasOwnProperty.call(t, key)) return value;
        return wrap(value, child(key));
      },
      has(t, key) {
        if (typeof key === "string") record.read.add(key);
        return Reflect.has(t, key);
      },
      ownKeys(t) {
        record.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };

  try {
    model.validate.call(wrap(model, ""));
  } catch {
    // The errors are the first check's; here only which keys were asked for counts.
  }

  const unknown = [];
  for (const [target, record] of seen) {
    if (Array.isArray(target) || record.enumerated || record.read.size === 0) continue;
    for (const key of Object.keys(target)) {
      if (!record.read.has(key)) unknown.push(`${record.path}.${key}`.replace(/^\./, ""));
    }
  }
  return unknown;
}

// kubectl kustomize writes a long base64 value of a Secret as lines of 70 characters; the API server decodes it as Go's
// base64 does, ignoring the line breaks. The schema's "byte" format does not: take them out, as the server would.
function asTheServerReadsIt(doc) {
  if (doc.apiVersion === "v1" && doc.kind === "Secret" && isObject(doc.data)) {
    const data = Object.fromEntries(
      Object.entries(doc.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v]),
    );
    return { ...doc, data };
  }
  return doc;
}

async function check(original) {
  const doc = asTheServerReadsIt(original);
  const { apiVersion, kind } = doc;
  const cls = await modelClass(apiVersion, kind);
  const problems = [];
  try {
    new cls(doc).validate();
  } catch (e) {
    problems.push(e.message);
  }
  const unknown = unknownFields(new cls(doc));
  if (unknown.length > 0) problems.push(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
  if (problems.length > 0) throw new Error(problems.join("; "));
}

const input = await new Promise((resolve, reject) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
  process.stdin.on("error", reject);
});

let failed = false;
let count = 0;
for (const document of parseAllDocuments(input)) {
  if (document.errors.length > 0) {
    console.log(`error <stream>: ${document.errors.map((e) => e.message).join("; ")}`);
    failed = true;
    continue;
  }
  const doc = document.toJS();
  if (doc === null || doc === undefined) continue; // an empty document (a trailing ---)
  count++;
  const label = `${isObject(doc) ? doc.kind ?? "<no kind>" : "<not an object>"}/${doc?.metadata?.name ?? "<no name>"}`;
  try {
    if (!isObject(doc) || Array.isArray(doc)) throw new Error("not an object");
    if (typeof doc.metadata?.name !== "string" || doc.metadata.name === "") throw new Error("metadata.name is missing");
    await check(doc);
    console.log(`ok ${label}`);
  } catch (e) {
    console.log(`error ${label}: ${e.message}`);
    failed = true;
  }
}
if (count === 0) {
  console.log("error <stream>: no objects on stdin");
  failed = true;
}
process.exit(failed ? 1 : 0);
