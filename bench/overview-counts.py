#!/usr/bin/env python3
"""The console overview's counts by state (last hour, last 24 hours) on a SQLite file of 1,000,000 deliveries, as the
bridge runs them: with the index in acceptance order (schema 12: ix_deliveries_accepted, read through INDEXED BY) and
as before it (the index dropped, the statement without INDEXED BY, which SQLite ran as a scan of ix_deliveries_state).

    python3 bench/overview-counts.py [--rows 1000000] [--app /tmp/calm-speed/<commit>/app]

The schema is the bridge's own: the published bridge starts once on an empty file (Production, no admin) and is stopped;
then Python's sqlite3 adds the rows in one transaction and times each statement (median of 5 runs, warm cache).
"""
import argparse, glob, os, random, signal, sqlite3, statistics, subprocess, tempfile, time, urllib.request
from datetime import datetime, timedelta, timezone

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--app", default=max(glob.glob("/tmp/calm-speed/*/app"), key=os.path.getmtime, default=None))
args = parser.parse_args()

work = tempfile.mkdtemp(prefix="overview-")
db = os.path.join(work, "bridge.db")
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", ASPNETCORE_URLS="http://127.0.0.1:18123",
           Bridge__Storage__ConnectionString=f"Data Source={db}",
           **{"Bridge__Security__Clients__calm__Secret": "overview-secret-0123456789-abcdef", "Bridge__Security__Clients__calm__Roles__0": "events"})
bridge = subprocess.Popen(["dotnet", os.path.join(args.app, "CloudAlmBridge.dll")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                          start_new_session=True)
for _ in range(200):
    try:
        urllib.request.urlopen("http://127.0.0.1:18123/health/live", timeout=1)
        break
    except Exception:
        time.sleep(0.1)
os.killpg(bridge.pid, signal.SIGTERM)
bridge.wait(15)

now = datetime.now(timezone.utc)
def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"

connection = sqlite3.connect(db)
random.seed(1)
rows = []
for i in range(args.rows):
    accepted = now - timedelta(seconds=random.uniform(0, 48 * 3600))
    state = random.choices([0, 1, 2, 3, 4], weights=[2, 1, 90, 5, 2])[0]
    rows.append((i + 1, "sub", f"s{i % 50000}", "EVENT-SITUATION.UPDATED", state, iso(accepted), iso(accepted), iso(accepted)))
started = time.time()
# The state rows alone (schema 17 keeps the messages in the inbox): the counts read nothing else.
connection.executemany("INSERT INTO deliveries (id, subscription, situation_id, event_type, state, accepted_at, "
                       "queued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
connection.execute("UPDATE inbox_cursor SET staged_through = ?", (args.rows,))
connection.commit()
print(f"{args.rows} deliveries written in {time.time() - started:.1f} s; sqlite {sqlite3.sqlite_version}")

def timed(statement, since):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        connection.execute(statement, (iso(since),)).fetchall()
        runs.append((time.perf_counter() - t) * 1000)
    plan = " / ".join(r[3] for r in connection.execute("EXPLAIN QUERY PLAN " + statement, (iso(since),)))
    return statistics.median(runs), plan

new = "SELECT state, COUNT(*) FROM deliveries INDEXED BY ix_deliveries_accepted WHERE accepted_at >= ? GROUP BY state"
for label, since in (("last hour", now - timedelta(hours=1)), ("last 24 h", now - timedelta(days=1))):
    ms, plan = timed(new, since)
    print(f"with the index   {label}: {ms:7.1f} ms  ({plan})")
connection.execute("DROP INDEX ix_deliveries_accepted")
old = "SELECT state, COUNT(*) FROM deliveries WHERE accepted_at >= ? GROUP BY state"
for label, since in (("last hour", now - timedelta(hours=1)), ("last 24 h", now - timedelta(days=1))):
    ms, plan = timed(old, since)
    print(f"before (no index) {label}: {ms:7.1f} ms  ({plan})")
