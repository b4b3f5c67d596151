// "Cannot happen": the check stays in the shipped bootstrap, and when it
// fails the process stops at once with SIGILL (x86_64 ud2, aarch64 brk)
// instead of going on with state it cannot trust. Lambda reports the exit as
// Runtime.ExitError and starts a new environment. Never a builtin that lets
// the compiler assume the condition instead: that would drop the check
// (tests/integration/test_static.py looks for those, and for the trap).
#pragma once

namespace wisp {

[[noreturn, gnu::always_inline]] inline void cannot_happen() { __builtin_trap(); }

} // namespace wisp
