# The raw peer of the MTA benchmark: Python's smtplib, N threads each holding one connection,
# sending one prebuilt message (bytes composed once) COUNT times in all. No MIME work per
# message, no journal: the floor a sender's protocol handling can be measured against.
#   python3 tests/bench/peer-raw.py PORT COUNT CONNECTIONS MESSAGE_FILE
# Prints {"sent": N, "failed": N, "ms": T}.
import json, smtplib, sys, threading, time

port, count, connections, message_file = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
raw = open(message_file, 'rb').read()
lock = threading.Lock()
state = {'next': 0, 'sent': 0, 'failed': 0}

def worker():
    s = smtplib.SMTP('127.0.0.1', port, timeout=60)
    s.ehlo('bench.localhost')
    while True:
        with lock:
            i = state['next']
            if i >= count:
                break
            state['next'] += 1
        try:
            s.sendmail('newsletter@thegazelle.org', ['reader%d@example.org' % i], raw)
            with lock:
                state['sent'] += 1
        except smtplib.SMTPException:
            with lock:
                state['failed'] += 1
    s.quit()

t0 = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({'sent': state['sent'], 'failed': state['failed'], 'ms': (time.perf_counter() - t0) * 1000}))
