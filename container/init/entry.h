// hull-init's entry point, `hull-init PLAN_FD`: reads the plan the parent wrote (container/
// launcher.h) and runs init_main, which execs the user's program or reports its failure to the
// parent. The hull-init program is only this; the hull binary carries it too and calls it when
// started as "hull-init" (container.h: use_own_executable_for_init).
#pragma once

namespace hull::container {

// True when argv[0] names hull-init: the launcher starts the program so.
bool is_init_invocation(int argc, char** argv);

// Returns only an exit status for a bad invocation or plan; otherwise the process execs.
int init_entry(int argc, char** argv);

}  // namespace hull::container
