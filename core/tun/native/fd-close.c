// close(fd) → 0 | -errno, for every descriptor the addon hands out.
#include <errno.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv) || !arg_int32(env, argv[0], "fd", &fd)) return NULL;
  // No retry on EINTR: on Linux the descriptor is released even then, and a retry could close
  // a descriptor another part of the process has just been given.
  return close(fd) < 0 ? errno_result(env, errno) : make_int(env, 0);
}
