#!/usr/bin/python3
"""Checks a JUnit XML file the way CI servers (Jenkins, GitLab) read it, with a real XML parser
(xml.etree): <testsuites> holding <testsuite> elements whose tests/failures/errors/skipped
counts equal their <testcase> children; every testcase with classname, name and a time; every
<failure> with a message and a type. Optional expectations on the totals and the messages.

  check_junit.py FILE [--tests N] [--failures N] [--skipped N] [--message-contains TEXT]
                      [--case CLASSNAME/NAME]...

Prints what it found; exit 0 when everything holds, 1 with the reasons otherwise.
"""
import argparse
import sys
import xml.etree.ElementTree as ET


def check(path, args):
    problems = []
    root = ET.parse(path).getroot()  # not well-formed: ParseError, reported by main()
    if root.tag != "testsuites":
        return ["the root element is <%s>, not <testsuites>" % root.tag]
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    messages, names = [], set()
    suites = root.findall("testsuite")
    if not suites:
        problems.append("no <testsuite> under <testsuites>")
    for suite in suites:
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, n in counted.items():
            if suite.get(key) != str(n):
                problems.append("testsuite %r: %s=%r, but it holds %d" % (suite.get("name"), key, suite.get(key), n))
            totals[key] += n
        if not suite.get("name"):
            problems.append("a testsuite without a name")
        float(suite.get("time", "x"))  # ValueError when missing or not a number
        for case in cases:
            for attr in ("classname", "name", "time"):
                if not case.get(attr):
                    problems.append("a testcase without %s" % attr)
            if float(case.get("time", "-1")) < 0:
                problems.append("testcase %s: negative time" % case.get("name"))
            names.add("%s/%s" % (case.get("classname"), case.get("name")))
            failure = case.find("failure")
            if failure is not None:
                if not failure.get("message") or not failure.get("type"):
                    problems.append("testcase %s: a failure without message or type" % case.get("name"))
                messages.append(failure.get("message", ""))
    for key, n in totals.items():
        if root.get(key) != str(n):
            problems.append("testsuites: %s=%r, but the suites hold %d" % (key, root.get(key), n))
    for key in ("tests", "failures", "skipped"):
        want = getattr(args, key)
        if want is not None and totals[key] != want:
            problems.append("%d %s, expected %d" % (totals[key], key, want))
    if args.message_contains and not any(args.message_contains in m for m in messages):
        problems.append("no failure message contains %r" % args.message_contains)
    for case in args.case:
        if case not in names:
            problems.append("no testcase %s (have: %s)" % (case, ", ".join(sorted(names)[:8])))
    print("%s: %d testsuites, %d tests, %d failures, %d skipped" %
          (path, len(suites), totals["tests"], totals["failures"], totals["skipped"]))
    return problems


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--tests", type=int)
    p.add_argument("--failures", type=int)
    p.add_argument("--skipped", type=int)
    p.add_argument("--message-contains")
    p.add_argument("--case", action="append", default=[])
    args = p.parse_args()
    try:
        problems = check(args.file, args)
    except (ET.ParseError, ValueError, OSError) as e:
        problems = ["%s: %s" % (args.file, e)]
    for line in problems:
        print("junit: " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
