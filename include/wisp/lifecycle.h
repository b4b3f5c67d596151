// Optional lifecycle hooks. Register them from init(); a bootstrap whose
// handler never calls these links none of the code behind them.
#pragma once

#include <wisp/handler.h>

namespace wisp {

// Graceful shutdown: `hook` runs when Lambda sends SIGTERM before it shuts the
// execution environment down (it has about 500 ms). Registering one makes wisp
// register an internal extension, which is what makes Lambda send SIGTERM.
void on_shutdown(void (*hook)());

// SnapStart (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): `hook` runs after
// init, before Lambda takes the snapshot; a failure is reported as
// Runtime.BeforeSnapshotError. Up to 8 hooks of each kind: before-snapshot
// hooks run last registered first, after-restore hooks in order; all get
// init's arena, whose allocations last for the process.
void before_snapshot(Outcome (*hook)(Arena& arena));
// Runs in each environment restored from the snapshot, before its first
// invocation; a failure is reported as Runtime.AfterRestoreError.
void after_restore(Outcome (*hook)(Arena& arena));

} // namespace wisp
