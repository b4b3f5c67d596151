"""The -Dhandler option as a user meets it: an unknown name fails at configure time
with the list of example handlers, and a path to a .cpp file outside the tree builds a
bootstrap and bootstrap.zip that work. The file built is the example from the README's
"Writing a handler" section, so the documented API is compiled and run as written."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

from harness import SOURCE_ROOT

sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tools'))
import emulator  # noqa: E402


def readme_example():
    with open(os.path.join(SOURCE_ROOT, 'README.md')) as f:
        readme = f.read()
    section = readme.split('## Writing a handler', 1)[1]
    return re.search(r'```cpp\n(.*?)```', section, re.S).group(1)


class BuildOptions(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix='wisp-options-')

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def meson(self, *args):
        if args[0] == 'setup' and os.environ.get('WISP_CROSS_FILE'):  # the suite's own CPU
            args = (*args, '--cross-file', os.environ['WISP_CROSS_FILE'])
        return subprocess.run(['meson', *args], cwd=SOURCE_ROOT, capture_output=True, text=True, timeout=300)

    def test_unknown_handler_fails_at_configure_time_with_the_list(self):
        run = self.meson('setup', os.path.join(self.work, 'build'), '-Dhandler=no_such_handler', '-Dtests=false')
        self.assertNotEqual(run.returncode, 0)
        output = run.stdout + run.stderr
        self.assertIn('unknown handler "no_such_handler"', output)
        for name in ('echo', 'fail', 'fibonacci', 'hello', 'minimal'):
            self.assertIn(name, output.split('unknown handler', 1)[1])

    def test_a_handler_that_needs_libc_asks_for_musl(self):
        run = self.meson('setup', os.path.join(self.work, 'build'), '-Dhandler=stats', '-Dlibc=none', '-Dtests=false')
        self.assertNotEqual(run.returncode, 0)
        self.assertIn('handler "stats" calls the C library: configure with -Dlibc=musl', run.stdout + run.stderr)

    def test_a_static_constructor_fails_the_link(self):
        # Nothing runs .init_array without libc's start code: the linker script refuses one.
        source = os.path.join(self.work, 'ctor.cpp')
        with open(source, 'w') as f:
            f.write('#include <wisp/handler.h>\n'
                    'static int counter;\n'
                    'struct Count { Count() { ++counter; } } count;\n'
                    'wisp::Outcome wisp::handle(const Invocation&, Arena&, Builder& out)\n'
                    '{ return success(out.append_int(counter).view()); }\n')
        build = os.path.join(self.work, 'build')
        setup = self.meson('setup', build, '-Dhandler=' + source, '-Dtests=false')
        self.assertEqual(setup.returncode, 0, setup.stdout + setup.stderr)
        compile_ = self.meson('compile', '-C', build)
        self.assertNotEqual(compile_.returncode, 0)
        self.assertIn('static constructors would never run', compile_.stdout + compile_.stderr)

    def test_a_handler_outside_the_tree_builds_and_runs(self):
        source = os.path.join(self.work, 'my-function', 'handler.cpp')
        os.makedirs(os.path.dirname(source))
        with open(source, 'w') as f:
            f.write(readme_example())
        build = os.path.join(self.work, 'build')
        setup = self.meson('setup', build, '-Dhandler=' + source, '-Dtests=false')
        self.assertEqual(setup.returncode, 0, setup.stdout + setup.stderr)
        compile_ = self.meson('compile', '-C', build)
        self.assertEqual(compile_.returncode, 0, compile_.stdout + compile_.stderr)
        bootstrap = os.path.join(build, 'bootstrap')
        with zipfile.ZipFile(os.path.join(build, 'bootstrap.zip')) as z:
            self.assertEqual(z.namelist(), ['bootstrap'])
            self.assertEqual(z.infolist()[0].external_attr >> 16, 0o100755)

        with emulator.RuntimeApi() as api:
            process = emulator.spawn_bootstrap(bootstrap, api.runtime_api, extra_env={'GREETING': 'hi'},
                                               stderr=subprocess.DEVNULL)
            try:
                result = api.submit(b'{"user":{"name":"Ada \\u00e9"}}', timeout_ms=60000).wait(10)
                self.assertEqual(result.kind, 'response', result.body)
                answer = result.json()
                self.assertEqual(answer['greeting'], 'hi')
                self.assertEqual(answer['name'], 'Ada \u00e9')
                self.assertTrue(0 < answer['remaining_ms'] <= 60000, answer)
            finally:
                emulator.stop_process(process)

        # Without GREETING the init hook fails: /init/error, then exit status 1.
        os.environ.pop('GREETING', None)
        with emulator.RuntimeApi() as api:
            process = emulator.spawn_bootstrap(bootstrap, api.runtime_api, stderr=subprocess.DEVNULL)
            self.assertEqual(process.wait(10), 1)
            self.assertEqual(len(api.init_errors), 1)
            self.assertEqual(api.init_errors[0].headers['Lambda-Runtime-Function-Error-Type'], 'Function.ConfigMissing')


if __name__ == '__main__':
    unittest.main()
