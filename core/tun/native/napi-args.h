// Argument and result helpers shared by the addon's functions.
//
// Two kinds of failure, handled differently on purpose:
// - a wrong argument (not a Uint8Array, a slot past the end of the slab) is a bug in the caller,
//   so it throws (TypeError or RangeError) and the function returns NULL;
// - a failed system call is an ordinary event (no packet yet, device gone), so it is returned as
//   a value: the negative errno, which TypeScript names with util.getSystemErrorName.
#ifndef CLATTER_NAPI_ARGS_H
#define CLATTER_NAPI_ARGS_H

#include <net/if.h>
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Fills argv[0..count); arguments not passed read as undefined (and fail their type check).
bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);

bool arg_int32(napi_env env, napi_value value, const char *what, int32_t *out);
bool arg_uint32(napi_env env, napi_value value, const char *what, uint32_t *out);

// A Uint8Array (or Buffer): its bytes, already offset to the view's start.
bool arg_bytes(napi_env env, napi_value value, const char *what, uint8_t **data, size_t *length);

// An Int32Array: its elements, already offset to the view's start.
bool arg_int32s(napi_env env, napi_value value, const char *what, int32_t **data, size_t *length);

// An interface name that fits IFNAMSIZ with its NUL. With `optional`, null or undefined is
// accepted and leaves *present false (out is then the empty string).
bool arg_ifname(napi_env env, napi_value value, const char *what, bool optional, char out[IFNAMSIZ],
                bool *present);

// The (slab, starts, lengths, count) arguments of the batch writers, at argv[0..3]: every packet
// slab[starts[i], starts[i] + lengths[i]) for i < count is checked to lie inside the slab before any
// is sent, so a bad range never leaves a half-written batch. `what` names the caller in errors.
struct packet_list {
  uint8_t *slab;
  int32_t *starts;
  int32_t *lengths;
  int32_t count;
};
bool arg_packet_list(napi_env env, napi_value *argv, const char *what, struct packet_list *out);

// True for null or undefined.
bool is_nullish(napi_env env, napi_value value);

// A JavaScript number; NULL (with the exception pending) only if V8 itself fails.
napi_value make_int(napi_env env, int64_t value);

// The value every function returns for a failed system call: -err.
napi_value errno_result(napi_env env, int err);

// Throws and returns false, so callers can write `return throw_range(...)` in bool helpers.
bool throw_type(napi_env env, const char *what, const char *expected);
bool throw_range(napi_env env, const char *message);

#endif
