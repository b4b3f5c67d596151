#!/usr/bin/env python3
"""The artefacts: every bootstrap is a static ELF executable (no PT_INTERP, no PT_DYNAMIC)
for this machine that links no C or C++ library (with -Dlibc=musl: musl's alone), with no
memory both writable and executable (in its program headers and in the running process)
and its "cannot happen" traps kept; and every zip holds exactly one entry, `bootstrap`,
mode 0100755."""

import glob
import os
import platform
import re
import stat
import struct
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_GNU_STACK = 1, 2, 3, 0x6474e551
PF_X, PF_W = 1, 2
MACHINES = {'x86_64': 62, 'amd64': 62, 'aarch64': 183, 'arm64': 183}
# What __builtin_trap compiles to: ud2, and brk #1000 (aligned to 4 bytes).
TRAPS = {62: (b'\x0f\x0b', 1), 183: (b'\x00\x7d\x20\xd4', 4)}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Constructs that let the compiler assume a condition, and so drop the check of it.
ASSUMPTIONS = re.compile(r'__builtin_unreachable|__builtin_assume|\[\[\s*assume|std::unreachable')


def program_headers(data):
    """(e_type, e_machine, e_entry, [(p_type, p_flags, p_vaddr, p_memsz)]) of an ELF image."""
    if data[:4] != b'\x7fELF':
        raise ValueError('not ELF')
    bits, order = data[4], {1: '<', 2: '>'}[data[5]]
    if bits == 2:
        e_type, e_machine, _, e_entry, e_phoff = struct.unpack_from(order + 'HHIQQ', data, 16)
        e_phentsize, e_phnum = struct.unpack_from(order + 'HH', data, 54)
        layout, expected_size = order + 'IIQQQQQQ', 56
    elif bits == 1:
        e_type, e_machine, _, e_entry, e_phoff = struct.unpack_from(order + 'HHIII', data, 16)
        e_phentsize, e_phnum = struct.unpack_from(order + 'HH', data, 42)
        layout, expected_size = order + 'IIIIIIII', 32
    else:
        raise ValueError(f'bad ELF class {bits}')
    if e_phentsize != expected_size:
        raise ValueError(f'e_phentsize {e_phentsize}')
    headers = []
    for index in range(e_phnum):
        fields = struct.unpack_from(layout, data, e_phoff + index * e_phentsize)
        if bits == 2:
            p_type, p_flags, _, p_vaddr, _, _, p_memsz, _ = fields
        else:
            p_type, _, p_vaddr, _, _, p_memsz, p_flags, _ = fields
        headers.append((p_type, p_flags, p_vaddr, p_memsz))
    return e_type, e_machine, e_entry, headers


class Executables(harness.IntegrationCase):
    def test_nothing_but_wisp_is_linked_in(self):
        """No C or C++ library reaches a bootstrap: the linker map of every example
        loads only the handler's object, LTO's outputs and wisp's own core archive.
        With -Dlibc=musl, musl's start files and libc.a and GCC's libgcc.a too, and
        musl's libc.a is loaded; never glibc, libm apart or a C++ library."""
        musl = harness.LIBC == 'musl'
        musl_files = ('crt1.o', 'crti.o', 'crtn.o', 'libc.a')
        maps = sorted(glob.glob(os.path.join(harness.BUILD_DIR, 'handlers', '*.map')))
        self.assertEqual(len(maps), len(harness.EXAMPLE_HANDLERS))
        for path in maps:
            name = os.path.basename(path)[:-len('.map')]
            with self.subTest(map=name), open(path) as f:
                text = f.read()
            loaded = [line.split(None, 1)[1] for line in text.splitlines() if line.startswith('LOAD ')]
            self.assertTrue(loaded)
            for item in loaded:
                ok = (item.endswith(f'{name}.cpp.o') or item.endswith('.ltrans.o')
                      or item.endswith('src/libwisp_core.a')
                      or item == 'linker stubs')  # ld's own (aarch64 maps list it)
                if musl:
                    directory, file = os.path.split(item)
                    ok = ok or (directory.endswith('-linux-musl') and file in musl_files)
                    ok = ok or (file == 'libgcc.a' and '/gcc' in directory)  # gcc/ or gcc-cross/
                self.assertTrue(ok, f'{name}: the linker loaded {item}')
            if musl:
                self.assertTrue(any(item.endswith('-linux-musl/libc.a') for item in loaded),
                                f'{name}: musl\'s libc.a is not in the link')
                forbidden = ('libc++', 'libstdc++', 'libm.', 'linux-gnu/libc.')
            else:
                forbidden = ('libc.', 'libc++', 'libstdc++', 'libm.', 'libgcc', 'crt1.o', 'crti.o')
            for library in forbidden:
                self.assertNotIn(library, text, f'{name}: {library} appears in the link map')

    def test_every_bootstrap_is_static(self):
        paths = harness.all_bootstraps()
        self.assertEqual(len(paths), 1 + len(harness.EXAMPLE_HANDLERS) + len(harness.TEST_HANDLERS))
        machine = MACHINES.get(os.environ.get('WISP_HOST_CPU') or platform.machine())
        for path in paths:
            with self.subTest(bootstrap=os.path.relpath(path, harness.BUILD_DIR)):
                with open(path, 'rb') as f:
                    data = f.read()
                e_type, e_machine, entry, headers = program_headers(data)
                types = [h[0] for h in headers]
                self.assertNotIn(PT_INTERP, types, 'has an interpreter: dynamically linked')
                self.assertNotIn(PT_DYNAMIC, types, 'has a dynamic section')
                self.assertIn(PT_LOAD, types)
                self.assertIn(e_type, (2, 3))  # ET_EXEC, or ET_DYN for a static-pie
                if machine is not None:
                    self.assertEqual(e_machine, machine)
                self.assertTrue(any(t == PT_LOAD and flags & PF_X and vaddr <= entry < vaddr + size
                                    for t, flags, vaddr, size in headers),
                                'the entry point is not in an executable segment')
                for t, flags, vaddr, _ in headers:  # no memory both writable and executable
                    self.assertFalse(flags & PF_W and flags & PF_X, f'segment at {vaddr:#x} is writable and executable')
                stacks = [flags for t, flags, _, _ in headers if t == PT_GNU_STACK]
                self.assertEqual(len(stacks), 1, 'no PT_GNU_STACK: the stack may be executable')
                self.assertFalse(stacks[0] & PF_X, 'executable stack')
                mode = os.stat(path).st_mode
                self.assertTrue(stat.S_ISREG(mode) and mode & 0o111 == 0o111, oct(mode))


class Traps(harness.IntegrationCase):
    """Every "cannot happen" is wisp::cannot_happen() (src/trap.h), a trap that stays in the
    shipped code: nothing in src/ or include/ lets the compiler assume a condition instead,
    and every bootstrap's code holds the trap instruction."""

    def test_no_check_is_left_to_an_assumption(self):
        traps = []
        for directory in ('src', 'include'):
            for base, _, names in os.walk(os.path.join(ROOT, directory)):
                for name in names:
                    if not name.endswith(('.cpp', '.h')):
                        continue
                    path = os.path.join(base, name)
                    with open(path, encoding='utf-8') as f:
                        text = f.read()
                    relative = os.path.relpath(path, ROOT)
                    self.assertIsNone(ASSUMPTIONS.search(text), f'{relative} lets the compiler assume a condition')
                    if '__builtin_trap' in text:
                        traps.append(relative)
        self.assertEqual(traps, [os.path.join('src', 'trap.h')], 'traps not spelled cannot_happen()')

    def test_every_bootstrap_keeps_its_traps(self):
        for path in harness.all_bootstraps():
            with self.subTest(bootstrap=os.path.relpath(path, harness.BUILD_DIR)):
                with open(path, 'rb') as f:
                    data = f.read()
                _, machine, _, headers = program_headers(data)
                self.assertIn(machine, TRAPS)
                trap, alignment = TRAPS[machine]
                offsets = segment_offsets(data)
                found = [at for start, end in offsets for at in range(start, end - len(trap) + 1, alignment)
                         if data[at:at + len(trap)] == trap]
                self.assertTrue(found, 'no trap instruction in the executable segment')


class Memory(harness.IntegrationCase):
    def test_no_mapping_is_writable_and_executable(self):
        """While each example waits for its next event, /proc/PID/maps has no mapping both
        writable and executable, and the stack is not executable. (Under qemu-user the maps
        are qemu's own: only the program headers, checked above, say anything there.)"""
        if len(harness.emulator.command(harness.bootstrap_path('bootstrap'))) > 1:
            self.skipTest('bootstraps run under qemu-user here: /proc/PID/maps would be qemu\'s')
        for name in ('bootstrap', *harness.EXAMPLE_HANDLERS):
            with self.subTest(bootstrap=name), harness.running(name) as session:
                self.assertIn(session.submit(b'{}').wait(harness.WAIT_SECONDS).kind, ('response', 'error'))
                self.assertTrue(session.api.wait_for_waiters(1), 'no /next after the first answer')
                with open(f'/proc/{session.process.pid}/maps', encoding='ascii') as f:
                    maps = f.read().splitlines()
                self.assertTrue(maps)
                for line in maps:
                    permissions = line.split()[1]
                    self.assertFalse('w' in permissions and 'x' in permissions, line)
                stacks = [line for line in maps if line.endswith('[stack]')]
                self.assertEqual(len(stacks), 1)
                self.assertNotIn('x', stacks[0].split()[1])


def segment_offsets(data):
    """(start, end) file offsets of the executable PT_LOAD segments of a 64-bit ELF image."""
    e_phoff, = struct.unpack_from('<Q', data, 32)
    e_phentsize, e_phnum = struct.unpack_from('<HH', data, 54)
    spans = []
    for index in range(e_phnum):
        p_type, p_flags, p_offset, _, _, p_filesz, _, _ = struct.unpack_from('<IIQQQQQQ', data, e_phoff + index * e_phentsize)
        if p_type == PT_LOAD and p_flags & PF_X:
            spans.append((p_offset, min(p_offset + p_filesz, len(data))))
    return spans


class Zips(harness.IntegrationCase):
    def zips(self):
        found = sorted(glob.glob(os.path.join(harness.BUILD_DIR, '*.zip')))
        self.assertIn(os.path.join(harness.BUILD_DIR, 'bootstrap.zip'), found)
        return found

    def test_one_executable_entry(self):
        for path in self.zips():
            with self.subTest(zip=os.path.basename(path)), zipfile.ZipFile(path) as archive:
                self.assertIsNone(archive.testzip())
                entries = archive.infolist()
                self.assertEqual([e.filename for e in entries], ['bootstrap'])
                self.assertEqual(entries[0].external_attr >> 16, 0o100755)
                program_headers(archive.read('bootstrap'))

    def test_zip_holds_the_built_bootstrap_and_it_runs(self):
        with zipfile.ZipFile(os.path.join(harness.BUILD_DIR, 'bootstrap.zip')) as archive:
            data = archive.read('bootstrap')
            mode = archive.getinfo('bootstrap').external_attr >> 16
        with open(harness.bootstrap_path('bootstrap'), 'rb') as f:
            self.assertTrue(data == f.read(), 'the zip does not hold build/bootstrap')
        with tempfile.TemporaryDirectory() as task_root:
            unpacked = os.path.join(task_root, 'bootstrap')
            with open(unpacked, 'wb') as f:
                f.write(data)
            os.chmod(unpacked, stat.S_IMODE(mode))
            with harness.emulator.RuntimeApi() as api:
                process = harness.emulator.spawn_bootstrap(unpacked, api.runtime_api, cwd=task_root,
                                                           stderr=harness.subprocess.DEVNULL)
                try:
                    result = api.submit(b'{"name":"zip","n":3}').wait(10)
                    self.assertIn(result.kind, ('response', 'error'))
                    self.assertEqual(result.status_sent, 202)
                finally:
                    harness.emulator.stop_process(process)


if __name__ == '__main__':
    harness.main()
