// peerCredentials(fd, out: Int32Array(3)) → 0 | -errno: SO_PEERCRED of a connected Unix socket,
// out = [pid, uid, gid] of the process at the other end, as the kernel recorded them at connect().
// Node has no API for it; the engine checks who talks to its control socket with it.
#include <errno.h>
#include <sys/socket.h>

#include "addon.h"
#include "napi-args.h"

napi_value peer_credentials(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  int32_t *out;
  size_t count;
  if (!get_args(env, info, 2, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_int32s(env, argv[1], "out", &out, &count)) {
    return NULL;
  }
  if (count < 3) {
    throw_range(env, "out must hold 3 numbers: pid, uid, gid");
    return NULL;
  }
  struct ucred credentials;
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0) return errno_result(env, errno);
  out[0] = (int32_t)credentials.pid;
  out[1] = (int32_t)credentials.uid;
  out[2] = (int32_t)credentials.gid;
  return make_int(env, 0);
}
