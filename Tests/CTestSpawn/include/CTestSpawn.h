#ifndef MOMENTS_C_TEST_SPAWN_H
#define MOMENTS_C_TEST_SPAWN_H

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), which Swift's Glibc module does not
/// export: closes every descriptor from `from` up in the child.
int moments_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

#endif
