// Turns a multi-document YAML stream on stdin (kubectl kustomize's output, or a Prometheus rules file) into one JSON
// array on stdout, for the tests that read the rendered objects (tests/CloudAlmBridge.Tests/Deploy).
//   kubectl kustomize deploy/kubernetes/overlays/single | node eng/kubernetes/to-json.mjs
import { parseAllDocuments } from "yaml";

let input = "";
for await (const chunk of process.stdin) {
  input += chunk;
}

const documents = parseAllDocuments(input);
const errors = documents.flatMap((d) => d.errors);
if (errors.length > 0) {
  console.error(errors.map((e) => e.message).join("\n"));
  process.exit(1);
}

process.stdout.write(JSON.stringify(documents.map((d) => d.toJS()).filter((o) => o !== null)));
