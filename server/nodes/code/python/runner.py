"""Runs the code of one ExecPython node, in its own python3 process.

Reads {"code", "inputs", "outputs", "memoryMb", "limits"} as JSON on stdin and writes one JSON
result on file descriptor 3, leaving stdout and stderr to the user's code. Before reading, it writes
a newline there: it has started and is ready for its job (the platform may start it ahead of time).
  {"ok": true, "outputs": {...}, "ignoredKeys": [...]}
  {"ok": false, "kind": "syntax" | "exception" | "memory" | "result", "message": ..., "traceback": ..., "line": ...}

The code is a function body whose parameters are the node's inputs. It is compiled from its
own syntax tree rather than from indented text, so line numbers in tracebacks are the user's
and multi-line strings keep their content.
"""
import ast
import json
import keyword
import linecache
import os
import resource
import sys
import traceback

FILENAME = "<code>"
FUNCTION = "node"


def main():
    # Started and imported: a pooled sandbox is now ready (whitespace, which the JSON result may follow).
    os.write(3, b"\n")
    request = json.load(sys.stdin)
    channel = os.fdopen(3, "w", encoding="utf-8")
    limit_process_tree(request.get("limits") or {})
    result = run(request)
    sys.stdout.flush()
    sys.stderr.flush()
    channel.write(json.dumps(result, allow_nan=False))
    channel.close()
    # Ends now, whatever the code left behind (threads, atexit handlers): the platform then
    # knows the code returned, and the sandbox's pid namespace ends with this process.
    os._exit(0)


def limit_process_tree(limits):
    """Limits every process the code starts inherits, set before any of its code runs."""
    for name, value in (("RLIMIT_CPU", limits.get("cpuSeconds")), ("RLIMIT_NPROC", limits.get("maxProcesses")),
                        ("RLIMIT_FSIZE", limits.get("maxFileBytes")), ("RLIMIT_CORE", 0)):
        if value is None:
            continue
        # CPU: SIGXCPU at the soft limit, SIGKILL a second later for code that handles it.
        hard = value + 1 if name == "RLIMIT_CPU" else value
        resource.setrlimit(getattr(resource, name), (value, hard))


def run(request):
    code, inputs, outputs = request["code"], request["inputs"], request["outputs"]
    keywords = [name for name in inputs if keyword.iskeyword(name)]
    if keywords:
        return failure("syntax", f'input "{keywords[0]}" is a Python keyword, so the code cannot use it; rename the input')
    try:
        function = compile_node(code, list(inputs))
    except SyntaxError as error:
        text = "".join(traceback.format_exception_only(type(error), error))
        return failure("syntax", f"{type(error).__name__}: {error.msg}", text, error.lineno)
    limit_memory(request["memoryMb"])
    try:
        returned = function(**inputs)
        return collect_outputs(returned, outputs)
    except MemoryError as error:
        return failure("memory", f"ran out of memory: the code needs more than the limit of {request['memoryMb']} MB",
                       format_raised(error), line_of(error))
    except BaseException as error:  # SystemExit and KeyboardInterrupt are failures of the code too
        summary = "".join(traceback.format_exception_only(type(error), error)).strip()
        return failure("exception", summary, format_raised(error), line_of(error))


def compile_node(code, parameters):
    tree = ast.parse(code, FILENAME)
    arguments = ast.arguments(posonlyargs=[], args=[], vararg=None, kwarg=None, defaults=[],
                              kwonlyargs=[ast.arg(arg=name) for name in parameters],
                              kw_defaults=[None] * len(parameters))
    function = ast.FunctionDef(name=FUNCTION, args=arguments, body=tree.body or [ast.Pass()],
                               decorator_list=[], returns=None, lineno=1, col_offset=0)
    if sys.version_info >= (3, 12):
        function.type_params = []
    module = ast.fix_missing_locations(ast.Module(body=[function], type_ignores=[]))
    namespace = {"__name__": "__weft_node__"}
    exec(compile(module, FILENAME, "exec"), namespace)
    # Tracebacks show the user's lines (mtime None: linecache never reloads it from disk).
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    return namespace[FUNCTION]


def limit_memory(megabytes):
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def collect_outputs(returned, outputs):
    if not isinstance(returned, dict):
        kind = "nothing (None)" if returned is None else f"a value of type {type(returned).__name__}"
        example = ", ".join(f'"{name}": ...' for name in outputs)
        return failure("result", f"the code must return a dict of its outputs, like return {{{example}}}; it returned {kind}")
    values = {}
    for name in outputs:
        value = returned.get(name)
        try:
            json.dumps(value, allow_nan=False)
        except ValueError:
            return failure("result", f'output "{name}" is not JSON: NaN and Infinity have no JSON form; return None or a number')
        except (TypeError, RecursionError) as error:
            return failure("result", f'output "{name}" is not JSON ({error}); return dicts, lists, strings, numbers, booleans or None')
        values[name] = value
    ignored = [str(key) for key in returned if key not in outputs]
    return {"ok": True, "outputs": values, "ignoredKeys": ignored}


def format_raised(error):
    # Leave out this runner's own frame: the traceback starts in the user's code.
    frames = error.__traceback__.tb_next if error.__traceback__ else None
    return "".join(traceback.format_exception(type(error), error, frames))


def line_of(error):
    line, frame = None, error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == FILENAME:
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def failure(kind, message, trace=None, line=None):
    return {"ok": False, "kind": kind, "message": message, "traceback": trace, "line": line}


if __name__ == "__main__":
    main()
