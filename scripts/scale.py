#!/usr/bin/env python3
"""Scale run of the sample: a 3-node cluster (separate JVMs, -Xmx1g by default) loaded with N keys, then a snapshot,
a follower killed with -9 and restarted, a follower restarted with its state deleted (it receives the leader's
snapshot), a streamed backup and a restore, each timed, with the heap after a full GC
and the number of leader changes (term changes) during the whole run.

    scripts/scale.py [--keys 1000000] [--value-bytes 256] [--batch 2000] [--xmx 1g]
                     [--jvm-options "-XX:G1HeapRegionSize=4m"] [--launch "java -jar ..."] [--wait 900]
                     [--rebuilds N --rebuild-launch "java -jar other-build.jar"] [--restores N]
                     [--skip snapshot,restart,rebuild] [--cli-launch "raft-admin-cli/target/raftmanager" ...]

--rebuilds N repeats the rebuilt follower (state deleted, the leader's snapshot installed) N times with each of
--launch and --rebuild-launch, in turn (ABBA), against the same leader and state: a change to the follower's side
of an install measured against the build before it in one run. --restores N restores the backup N times in a row
(the first one runs the restore's code for the first time in the nodes' JVMs). --skip leaves out steps (snapshot,
restart, rebuild), e.g. to time restores alone; --cli-launch is the command that starts raftmanager (default: its
launcher, raft-admin-cli/target/raftmanager; another JVM, options, a profiler); given more than once, the restores
take the commands in turn.

Needs the sample jar and raftmanager jar (mvn -pl sample-kv-app,raft-admin-cli -am package -DskipTests), a JDK's
jcmd, and free ports (taken from 20000-32000). Everything runs on loopback in a temporary directory, removed at the
end (KEEP_SCALE_DIR=1 keeps it; a run in which the term changed, or that failed, keeps the nodes' logs and GC logs).
Prints a Markdown table (the figures in docs/benchmarks.md come from it).
"""
import argparse, glob, json, os, random, re, shlex, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.request, urllib.error
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    while True:
        port = random.randint(20000, 31999)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                pass


def http(method, url, body=None, timeout=600, raw=False):
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data is not None else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        content = response.read()
        return content if raw else (json.loads(content) if content else None)


class Node:
    def __init__(self, node_id, work, peers, ports, launch, xmx, jvm_options):
        self.id, self.work, self.peers, self.launch, self.xmx = node_id, work, peers, launch, xmx
        self.jvm_options = jvm_options
        self.http, self.raft, self.grpc = ports
        self.process = None

    def start(self):
        env = dict(os.environ, NODE_ID=self.id, HTTP_ADDR="127.0.0.1", HTTP_PORT=str(self.http),
                   RAFT_ADDR="127.0.0.1", RAFT_PORT=str(self.raft), RAFT_ADVERTISE_ADDR="127.0.0.1",
                   SPRING_GRPC_SERVER_ADDRESS="127.0.0.1", SPRING_GRPC_SERVER_PORT=str(self.grpc),
                   PEERS=self.peers, STATE_DIR=os.path.join(self.work, self.id))
        command = shlex.split(self.launch)
        command.insert(1, "-Xmx" + self.xmx)
        command[1:1] = shlex.split(self.jvm_options)
        # Every collection logged: the largest heap left after a collection is the run's peak of live data.
        command.insert(1, "-Xlog:gc:file=%s:uptime" % os.path.join(self.work, self.id + "-gc-%p.log"))
        log = open(os.path.join(self.work, self.id + ".log"), "ab")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.http, path)

    def status(self):
        try:
            return http("GET", self.url("/status"), timeout=2)
        except Exception:
            return None

    def heap_mb(self):
        pid = str(self.process.pid)
        subprocess.run(["jcmd", pid, "GC.run"], capture_output=True, timeout=120)
        out = subprocess.run(["jcmd", pid, "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
        for line in out.splitlines():
            if "used" in line and "total" in line:
                used = line.split("used")[1].split()[0]
                return int(used.rstrip("K")) // 1024
        return -1


def wait_for(what, check, timeout=300, every=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise SystemExit("timed out waiting for " + what)


class Rows(list):
    """The table's rows, each also logged as it comes (a long run shows its progress)."""

    def append(self, row):
        super().append(row)
        print("# %s: %s" % row, file=sys.stderr, flush=True)


def peak_after_gc_mb(work, node_id):
    """The largest heap occupancy right after a collection (e.g. 'Pause Young ... 612M->498M(1024M)') in the run."""
    peak = 0
    for path in glob.glob(os.path.join(work, node_id + "-gc-*.log")):
        for line in open(path, errors="replace"):
            match = re.search(r"->(\d+)M\(", line)
            if match:
                peak = max(peak, int(match.group(1)))
    return peak


def gc_pauses(work, node_id):
    """The collection pauses of the run: how many, how many a humongous allocation started, the longest, how many were
    longer than 250 ms (half an election timeout), and their total."""
    pauses, humongous = [], 0
    for path in glob.glob(os.path.join(work, node_id + "-gc-*.log")):
        for line in open(path, errors="replace"):
            match = re.search(r"Pause.* (\d+\.\d+)ms$", line.strip())
            if match:
                pauses.append(float(match.group(1)))
                humongous += "Humongous Allocation" in line
    if not pauses:
        return "-"
    return "%d pauses, %d started by a humongous allocation, longest %.0f ms, %d over 250 ms, %.1f s in all" % (
        len(pauses), humongous, max(pauses), sum(1 for p in pauses if p > 250), sum(pauses) / 1000)


def count_lines(path, text):
    try:
        return sum(1 for line in open(path, errors="replace") if text in line)
    except OSError:
        return 0


def mean_append_ms(node):
    """A follower's mean time from receiving a batch of entries to having it durable (raft.log.append)."""
    try:
        text = http("GET", node.url("/actuator/prometheus"), timeout=30, raw=True).decode()
    except Exception:
        return "?"
    values = {}
    for line in text.splitlines():
        for name in ("raft_log_append_seconds_sum", "raft_log_append_seconds_count"):
            if line.startswith(name):
                values[name] = float(line.split()[-1])
    count = values.get("raft_log_append_seconds_count", 0)
    return "%.0f ms over %d" % (1000 * values["raft_log_append_seconds_sum"] / count, count) if count else "-"


def log_seconds_after(path, text, since):
    """Seconds from the epoch time since to the first line of the node's log holding text, or None."""
    for line in open(path, errors="replace"):
        if text in line:
            match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z", line)
            if match:
                stamp = time.mktime(time.strptime(match.group(1)[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                stamp += float("0." + match.group(1)[20:])
                if stamp >= since:
                    return stamp - since
    return None


# What a rebuilt follower's log says, and when: (label, text of the log line).
REBUILD_TIMELINE = (("Spring Boot started", "Started "), ("snapshot received", "Received snapshot"),
                    ("state read", "Read the state of snapshot"))


def rebuild(node, launch, work, serves, wait):
    """Kills node, deletes its state, starts it with launch; answers the seconds to serving and, per
    REBUILD_TIMELINE, the seconds from the start to that line of its log (None when not logged)."""
    node.kill()
    shutil.rmtree(os.path.join(work, node.id), ignore_errors=True)
    node.launch = launch
    started = time.time()
    node.start()
    wait_for("the emptied follower to serve the last key", serves, wait)
    took = time.time() - started
    log = os.path.join(work, node.id + ".log")
    return took, [log_seconds_after(log, text, started) for _, text in REBUILD_TIMELINE]


def timeline(marks):
    return ", ".join("%s %s" % (label, "+%.1f s" % at if at is not None else "not logged")
                     for (label, _), at in zip(REBUILD_TIMELINE, marks))


def rebuild_rounds(args, work, follower, leader, serves, rows):
    """The rebuilt follower with this build and with --rebuild-launch, in turn (ABBA), each timed."""
    this, other = args.launch, args.rebuild_launch or args.launch
    results = {"this build": [], "other build": []}
    for round_number in range(args.rebuilds):
        order = [("this build", this), ("other build", other)]
        if round_number % 2:
            order.reverse()
        for label, launch in order:
            took, marks = rebuild(follower, launch, work, serves, args.wait)
            sent = [line for line in open(os.path.join(work, leader.id + ".log"), errors="replace")
                    if "Sent snapshot" in line]
            push = re.search(r"in (\d+) ms", sent[-1]).group(1) if sent else "?"
            results[label].append(took)
            rows.append(("rebuilt follower, round %d, %s" % (round_number + 1, label),
                         "%.1f s (%s; leader's push %s ms)" % (took, timeline(marks), push)))
    if follower.launch != this:
        rebuild(follower, this, work, serves, args.wait)  # the rest of the run with this build
    for label, times in results.items():
        times.sort()
        rows.append(("rebuilt follower, %s: median of %d" % (label, len(times)), "%.1f s (%s)" % (
            times[len(times) // 2], ", ".join("%.1f" % t for t in times))))


def max_term(nodes):
    terms = [s.get("term", 0) for s in (n.status() for n in nodes) if s]
    return max(terms) if terms else 0


def loadavg():
    return open("/proc/loadavg").read().split()[0]


def leader_of(nodes):
    for node in nodes:
        status = node.status()
        if status and status.get("role") == "LEADER":
            return node, status.get("term")
    return None


def settled_leader(nodes):
    """The leader and its term once every node names it in that term (the start-up elections over), else None."""
    statuses = [n.status() for n in nodes]
    if not all(statuses):
        return None
    views = {(s.get("term"), (s.get("leader") or {}).get("id")) for s in statuses}
    if len(views) != 1:
        return None
    term, leader_id = views.pop()
    leader = next((n for n, s in zip(nodes, statuses) if s.get("nodeId") == leader_id and s.get("role") == "LEADER"), None)
    return (leader, term) if leader else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--value-bytes", type=int, default=256)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--xmx", default="1g")
    # 4 MB G1 regions: a 2,000-key batch (~560 KB) and a restore chunk (1 MB) are then ordinary young objects, not
    # humongous ones (half a region or more: 512 KB with the 1 MB regions of a 1 GB heap), each of which started a
    # collection once the live state filled the heap past 45 % (docs/benchmarks.md, scale section).
    parser.add_argument("--jvm-options", default="-XX:G1HeapRegionSize=4m")
    jars = [j for j in glob.glob(os.path.join(ROOT, "sample-kv-app/target/sample-kv-app-*.jar"))
            if not j.endswith("-plain.jar")]
    parser.add_argument("--launch", default="java -jar " + (jars[0] if jars else "sample-kv-app.jar"))
    # raftmanager's launcher (its JVM flags included), as a user runs it.
    parser.add_argument("--cli", default=os.path.join(ROOT, "raft-admin-cli/target/raftmanager"))
    # How long to wait for a leader or a restarted node to serve before the run fails (a starved machine needs long).
    parser.add_argument("--wait", type=float, default=900)
    # The rebuilt follower again, N pairs of runs: one with --launch, one with --rebuild-launch (another build's
    # launcher, e.g. a checkout of the commit before a change), in turn, against the same leader and state.
    parser.add_argument("--rebuilds", type=int, default=0)
    parser.add_argument("--rebuild-launch")
    # The restore N times in a row: the first runs the restore's code for the first time in these JVMs (JIT).
    parser.add_argument("--restores", type=int, default=1)
    steps = ("snapshot", "restart", "rebuild")
    parser.add_argument("--skip", default="", help="steps to leave out, comma-separated: " + ", ".join(steps))
    # Given more than once, the restores take the commands in turn (raftmanager builds or JVM options side by side).
    parser.add_argument("--cli-launch", action="append",
                        help="the command that starts raftmanager (default: --cli, its launcher)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if not skip <= set(steps):
        parser.error("--skip takes %s, not %s" % (", ".join(steps), ", ".join(sorted(skip - set(steps)))))
    if args.rebuilds and "rebuild" in skip:
        parser.error("--rebuilds repeats the rebuild step, which --skip rebuild leaves out: drop one of them")
    default_cli = (["java", "-jar"] if args.cli.endswith(".jar") else []) + [args.cli]
    cli_launches = [shlex.split(c) for c in args.cli_launch] if args.cli_launch else [default_cli]

    work = tempfile.mkdtemp(prefix="raft-scale-")
    ids = ["node1", "node2", "node3"]
    ports = {i: (free_port(), free_port(), free_port()) for i in ids}
    peers = ",".join("%s@127.0.0.1:%d" % (i, ports[i][1]) for i in ids)
    nodes = [Node(i, work, peers, ports[i], args.launch, args.xmx, args.jvm_options) for i in ids]
    rows = Rows()
    term, end_term, completed = None, None, False
    try:
        for node in nodes:
            node.start()
        # The load starts once all three nodes name one leader in one term: an election still settling at the start
        # (a second one while the first leader's messages are slow to reach a node that has just started) is the
        # start's, not the load's.
        leader, term = wait_for("a leader all three nodes follow", lambda: settled_leader(nodes), args.wait)
        follower = next(n for n in nodes if n is not leader)
        other = next(n for n in nodes if n is not leader and n is not follower)
        value = "v" * (args.value_bytes - 2)  # a JSON string of value-bytes bytes

        print("# load average at the start: %s; leader %s, term %s" % (loadavg(), leader.id, term), file=sys.stderr,
              flush=True)
        step_term = [max_term(nodes)]
        def terms_moved():
            """Term changes since the last step: each one is an election (a leader change, or a failed try)."""
            now = max_term(nodes)
            moved, step_term[0] = now - step_term[0], now
            return "%d term change%s, load %s" % (moved, "" if moved == 1 else "s", loadavg())
        started = time.time()
        retries = []
        def load(first):
            batch = {"key-%08d" % k: value for k in range(first, min(first + args.batch, args.keys))}
            for attempt in range(30):
                target = nodes[(first // args.batch + attempt) % 3]
                try:
                    # Any node takes writes (a follower forwards them); a put is idempotent, so a retry is safe.
                    http("POST", target.url("/key"), batch, timeout=60)
                    return
                except (urllib.error.URLError, OSError) as failure:
                    # An HTTP error's body is the problem detail that says why.
                    detail = failure.read().decode(errors="replace")[:300] if isinstance(failure, urllib.error.HTTPError) else ""
                    retries.append("%s to %s: %s %s" % (time.strftime("%H:%M:%S"), target.id, failure, detail))
                    time.sleep(1)
            raise SystemExit("a batch failed 30 times: " + retries[-1])
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(load, range(0, args.keys, args.batch)))
        seconds = time.time() - started
        rows.append(("load %d keys x %d B (%d-key batches, 4 clients)" % (args.keys, args.value_bytes, args.batch),
                     "%.1f s (%.0f keys/s, %d batches retried; %s)" % (seconds, args.keys / seconds, len(retries),
                                                                        terms_moved())))
        for retry in retries:
            print("# a batch retried: " + retry, file=sys.stderr, flush=True)
        leader, _ = wait_for("a leader", lambda: leader_of(nodes), args.wait)
        follower = next(n for n in nodes if n is not leader)
        other = next(n for n in nodes if n is not leader and n is not follower)
        last = "key-%08d" % (args.keys - 1)
        rows.append(("mean durable append on the followers during the load (raft.log.append)",
                     ", ".join("%s %s" % (n.id, mean_append_ms(n)) for n in nodes if n is not leader)))

        if "snapshot" not in skip:
            started = time.time()
            try:
                http("POST", leader.url("/actuator/raft/snapshot"), {}, timeout=180)
                outcome = "%.1f s" % (time.time() - started)
            except urllib.error.HTTPError as failure:
                outcome = "FAILED after %.1f s: %d %s" % (time.time() - started, failure.code, failure.read()[:200])
            rows.append(("snapshot (POST /actuator/raft/snapshot, on the leader)", outcome + "; " + terms_moved()))

        def serves():
            try:
                return http("GET", follower.url("/key/" + last + "?consistency=local"), timeout=2) is not None
            except Exception:
                return False
        if "restart" not in skip:
            # The follower is restarted from its own snapshot, which it takes by itself once the load is over (a whole
            # log segment below its applied index, checked every 10 s): wait for one that covers the leader's.
            def last_snapshot(node):
                try:
                    return (http("GET", node.url("/actuator/raft"), timeout=5) or {}).get("lastSnapshotIndex", 0)
                except Exception:
                    return 0
            covered = last_snapshot(leader)
            started = time.time()
            try:
                wait_for("the follower's own snapshot", lambda: last_snapshot(follower) >= covered, 120, 0.5)
                outcome = "%.1f s after the leader's (at %d or later)" % (time.time() - started, covered)
            except SystemExit:
                outcome = "none covering the leader's (at %d) within 120 s: restarted from an older one" % covered
            rows.append(("the follower's own snapshot, taken by itself", outcome))

            follower.kill()
            started = time.time()
            follower.start()
            wait_for("the restarted follower to serve the last key", serves, args.wait)
            rows.append(("follower killed (-9), restarted: java -jar to serving the last key locally",
                         "%.1f s; %s" % (time.time() - started, terms_moved())))

        if "rebuild" not in skip:
            # A follower far behind: its state deleted, it gets the leader's snapshot (pushed in 256 KB chunks, written
            # to its snapshot file as they arrive) and then the entries after it.
            took, marks = rebuild(follower, args.launch, work, serves, args.wait)
            rows.append(("follower killed, its state directory deleted, restarted: java -jar to serving the last key "
                         "(the leader's snapshot installed)",
                         "%.1f s; %s" % (took, terms_moved())))
            received = [line.strip() for line in open(os.path.join(work, follower.id + ".log"), errors="replace")
                        if "Received snapshot" in line]
            rows.append(("snapshot received by that follower (its log)",
                         (re.sub(r".*(Received snapshot.*)", r"\1", received[-1]) if received else "none logged")
                         + "; heap after a full GC %d MB" % follower.heap_mb()))
            sent = [line.strip() for line in open(os.path.join(work, leader.id + ".log"), errors="replace")
                    if "Sent snapshot" in line]
            rows.append(("snapshot sent by the leader (its log)",
                         re.sub(r".*(Sent snapshot.*)", r"\1", sent[-1]) if sent else "none logged"))
            rows.append(("that follower's timeline from java -jar (its log)", timeline(marks)))

            if args.rebuilds:
                rebuild_rounds(args, work, follower, leader, serves, rows)

        backup = os.path.join(work, "backup.raft")
        started = time.time()
        with urllib.request.urlopen(other.url("/actuator/raft/backup"), timeout=3600) as response, \
                open(backup, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        size = os.path.getsize(backup)
        rows.append(("backup (GET /actuator/raft/backup from a follower)",
                     "%.1f s (%d MB); %s" % (time.time() - started, size // (1 << 20), terms_moved())))

        http("POST", leader.url("/key"), {"after-backup": True})
        for restore in range(1, args.restores + 1):
            started = time.time()
            launch = cli_launches[(restore - 1) % len(cli_launches)]
            result = subprocess.run(launch + ["127.0.0.1:%d" % other.grpc, "restore", backup],
                                    capture_output=True, text=True, timeout=3600)
            if result.returncode != 0:
                raise SystemExit("restore failed: " + result.stdout + result.stderr)
            rows.append(("restore (raftmanager restore, through a follower)"
                         + (" %d of %d" % (restore, args.restores) if args.restores > 1 else "")
                         + (" with raftmanager %d" % ((restore - 1) % len(cli_launches) + 1)
                            if len(cli_launches) > 1 else ""),
                         "%.1f s; %s" % (time.time() - started, terms_moved())))

        # The term is read before the heap is weighed: a full collection stops a node for about half a second, which
        # on the leader is an election timeout (the followers elect another leader, as they should).
        final = leader_of(nodes)
        changes = (final[1] - term) if final else "no leader"
        end_term = final[1] if final else None
        heaps = {n.id: n.heap_mb() for n in sorted(nodes, key=lambda n: final is not None and n is final[0])}
        rows.append(("heap after a full GC (the leader's last)", ", ".join("%s %d MB" % (n.id, heaps[n.id]) for n in nodes)))
        rows.append(("largest heap left after a collection during the run (gc log)",
                     ", ".join("%s %d MB" % (n.id, peak_after_gc_mb(work, n.id)) for n in nodes)))
        rows.append(("collection pauses (gc log)", ", ".join("%s %s" % (n.id, gc_pauses(work, n.id)) for n in nodes)))
        logs = {n.id: os.path.join(work, n.id + ".log") for n in nodes}
        rows.append(("election timers run out (Atomix DEBUG 'Heartbeat timed out', if enabled)",
                     ", ".join("%s %d" % (i, count_lines(path, "Heartbeat timed out")) for i, path in logs.items())))
        rows.append(("of those, pre-votes held back as the leader's messages were arriving (logged once a second at most)",
                     ", ".join("%s %d" % (i, count_lines(path, "no pre-vote sent")) for i, path in logs.items())))
        rows.append(("leader changes during the run (term %s -> %s)" % (term, final[1] if final else "?"),
                     str(changes)))
        du = subprocess.run(["du", "-sm", os.path.join(work, leader.id)], capture_output=True, text=True).stdout
        rows.append(("state directory of the leader", du.split()[0] + " MB" if du else "?"))
        completed = True
    finally:
        if end_term is None and term is not None:
            end_term = max_term(nodes)
        for node in nodes:
            node.stop()
        print("| step | result |\n|---|---|")
        for step, result in rows:
            print("| %s | %s |" % (step, result))
        if os.environ.get("KEEP_SCALE_DIR") == "1":
            print("\nload average %s; logs and state in %s" % (loadavg(), work))
        elif completed and end_term == term:
            print("\nload average %s" % loadavg())
            shutil.rmtree(work, ignore_errors=True)
        else:
            # A leader change (or a failed run) is what must be explained: keep the nodes' logs and GC logs, not their
            # gigabytes of state.
            for entry in os.listdir(work):
                if not entry.endswith(".log"):
                    path = os.path.join(work, entry)
                    if os.path.isdir(path):
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        os.remove(path)
            print("\nload average %s; the term changed or the run failed: the nodes' logs are kept in %s" % (loadavg(), work))


if __name__ == "__main__":
    main()
