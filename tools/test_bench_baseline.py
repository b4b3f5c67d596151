#!/usr/bin/env python3
"""The benchmark's cold-start yardstick still runs: started against the emulator it
sends one GET /next, blocks until the answer ends, then exits 0. Run:
python3 tools/test_bench_baseline.py BUILD/tools/bench-baseline
"""

import os
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import emulator  # noqa: E402


def main(baseline):
    with emulator.RuntimeApi() as api:
        env = {'AWS_LAMBDA_RUNTIME_API': api.address}
        process = subprocess.Popen(emulator.command(baseline), env=env)
        try:
            if not api.wait_for_waiters(1, timeout=10):
                print('FAIL: no GET /next arrived')
                return 1
            requests = [(r.method, r.path) for r in api.requests]
            if requests != [('GET', '/2018-06-01/runtime/invocation/next')]:
                print(f'FAIL: expected one GET /next, saw {requests}')
                return 1
            api.stop()  # ends the blocked /next without an answer: the peer closes
            status = process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        if status != 0:
            print(f'FAIL: exit status {status}, expected 0')
            return 1
    print('ok: one GET /next, then exit 0 when the peer closed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
