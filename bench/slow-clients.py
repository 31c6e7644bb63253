"""The attack and the measurements of bench/slow-clients (see there)."""
import asyncio, json, os, sys, time

port, pid, clients, hold = (int(a) for a in sys.argv[1:5])
ATTACKERS = 2  # processes, so that their sockets fit under the per-process open-file limit


def sample(peak):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) // 1024
    peak["fds"], peak["rss"] = max(peak["fds"], fds), max(peak["rss"], rss)
    return fds, rss


async def slow(counts):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
    except Exception:
        counts["not opened"] += 1
        return
    counts["opened"] += 1
    try:
        writer.write(b"GET /strategy HTTP/1.1\r\nHost: leadup.test\r\n")
        await writer.drain()
        await asyncio.wait_for(reader.read(1024), hold)
        counts["closed by the server"] += 1
    except asyncio.TimeoutError:
        counts["still open at the end"] += 1
    except Exception:
        counts["closed by the server"] += 1
    finally:
        writer.close()


async def attack(n):
    counts = {"opened": 0, "not opened": 0, "closed by the server": 0, "still open at the end": 0}
    await asyncio.gather(*(slow(counts) for _ in range(n)))
    return counts


async def health(answers, stop, t0):
    while not stop.is_set():
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 60)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: leadup.test\r\nConnection: close\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.read(64), 60)
            status = head.split(b" ")[1].decode() if head else "closed"
            writer.close()
        except Exception as e:
            status = type(e).__name__
        answers.append((round(started - t0, 1), status, round(time.monotonic() - started, 2)))
        await asyncio.sleep(0.5)


async def watch(children):
    t0 = time.monotonic()
    peak = {"fds": 0, "rss": 0}
    idle = sample(peak)
    answers, stop = [], asyncio.Event()
    checker = asyncio.create_task(health(answers, stop, t0))
    while any(os.waitpid(child, os.WNOHANG) == (0, 0) for child in children):
        sample(peak)
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)  # the server after the attack
    stop.set()
    await checker
    return idle, peak, answers


pipes, children = [], []
for _ in range(ATTACKERS):
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        counts = asyncio.run(attack(clients // ATTACKERS))
        os.write(write_end, json.dumps(counts).encode())
        os._exit(0)
    os.close(write_end)
    pipes.append(read_end)
    children.append(child)

idle, peak, answers = asyncio.run(watch(children))
totals = {}
for read_end in pipes:
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    for key, n in json.loads(data).items():
        totals[key] = totals.get(key, 0) + n
ok = [a for a in answers if a[1] == "200"]
print(f"idle server: {idle[0]} open files, {idle[1]} MiB resident")
print(f"slow connections: {clients} tried: {totals}")
print(f"server peak: {peak['fds']} open files, {peak['rss']} MiB resident")
print(f"/healthz: {len(answers)} asked, {len(ok)} answered 200, slowest {max((a[2] for a in ok), default=0):.2f} s")
print("not 200:", [a for a in answers if a[1] != "200"])
print("timeline (s since start, status, seconds):", answers)
