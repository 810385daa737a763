// See napi-args.h for why arguments throw and system calls do not.
#include "napi-args.h"

#include <stdio.h>

bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  return true;
}

bool throw_type(napi_env env, const char *what, const char *expected) {
  char message[128];
  snprintf(message, sizeof message, "clatter_native: %s must be %s", what, expected);
  napi_throw_type_error(env, NULL, message);
  return false;
}

bool throw_range(napi_env env, const char *message) {
  char text[160];
  snprintf(text, sizeof text, "clatter_native: %s", message);
  napi_throw_range_error(env, NULL, text);
  return false;
}

bool is_nullish(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  return type == napi_null || type == napi_undefined;
}

static bool is_number(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && type == napi_number;
}

bool arg_int32(napi_env env, napi_value value, const char *what, int32_t *out) {
  if (!is_number(env, value) || napi_get_value_int32(env, value, out) != napi_ok) {
    return throw_type(env, what, "a number");
  }
  return true;
}

bool arg_uint32(napi_env env, napi_value value, const char *what, uint32_t *out) {
  if (!is_number(env, value) || napi_get_value_uint32(env, value, out) != napi_ok) {
    return throw_type(env, what, "a number");
  }
  return true;
}

static bool arg_typed(napi_env env, napi_value value, const char *what, napi_typedarray_type want,
                      const char *expected, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok ||
      type != want) {
    return throw_type(env, what, expected);
  }
  return true;
}

bool arg_bytes(napi_env env, napi_value value, const char *what, uint8_t **data, size_t *length) {
  return arg_typed(env, value, what, napi_uint8_array, "a Uint8Array", (void **)data, length);
}

bool arg_int32s(napi_env env, napi_value value, const char *what, int32_t **data, size_t *length) {
  return arg_typed(env, value, what, napi_int32_array, "an Int32Array", (void **)data, length);
}

bool arg_ifname(napi_env env, napi_value value, const char *what, bool optional, char out[IFNAMSIZ],
                bool *present) {
  out[0] = '\0';
  *present = false;
  if (optional && is_nullish(env, value)) return true;
  size_t length;
  // First call measures, so a name that would not fit is refused rather than cut short.
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    return throw_type(env, what, optional ? "a string or null" : "a string");
  }
  if (length >= IFNAMSIZ) return throw_range(env, "interface names are at most 15 bytes");
  napi_get_value_string_utf8(env, value, out, IFNAMSIZ, &length);
  *present = true;
  return true;
}

napi_value make_int(napi_env env, int64_t value) {
  napi_value result = NULL;
  napi_create_int64(env, value, &result);
  return result;
}

napi_value errno_result(napi_env env, int err) {
  return make_int(env, -(int64_t)err);
}

bool arg_packet_list(napi_env env, napi_value *argv, const char *what, struct packet_list *out) {
  size_t slab_bytes, starts_count, lengths_count;
  if (!arg_bytes(env, argv[0], "slab", &out->slab, &slab_bytes) ||
      !arg_int32s(env, argv[1], "starts", &out->starts, &starts_count) ||
      !arg_int32s(env, argv[2], "lengths", &out->lengths, &lengths_count) ||
      !arg_int32(env, argv[3], "count", &out->count)) {
    return false;
  }
  char message[96];
  if (out->count < 0 || (size_t)out->count > starts_count || (size_t)out->count > lengths_count) {
    snprintf(message, sizeof message, "%s: count exceeds starts or lengths", what);
    return throw_range(env, message);
  }
  for (int32_t i = 0; i < out->count; i++) {
    if (out->starts[i] < 0 || out->lengths[i] < 0 || (size_t)out->starts[i] + (size_t)out->lengths[i] > slab_bytes) {
      snprintf(message, sizeof message, "%s: a packet lies outside the slab", what);
      return throw_range(env, message);
    }
  }
  return true;
}
