// hull-init: `hull-init PLAN_FD`, started by hull (container/launcher.h) from a sealed memfd in the
// container's namespaces (container/init/entry.h).
#include "container/init/entry.h"

int main(int argc, char** argv) { return hull::container::init_entry(argc, argv); }
