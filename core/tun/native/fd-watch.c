// watch(fd, callback) → handle | -errno, and unwatch(handle)
//
// Readiness without a thread or a busy loop: a libuv poll handle on Node's own event loop, so
// an idle engine sleeps in epoll_wait with everything else Node waits for. The poll is
// level-triggered: a callback that leaves packets unread is called again on the next loop
// turn, after other I/O has had its go, which is how the engine bounds the work of one turn.
//
// Lifecycle: watch() starts polling and keeps the returned handle alive (a strong reference)
// until unwatch(), which stops the poll and lets go of the callback. Call unwatch() before
// closing the fd: libuv must not poll a closed (and perhaps reused) descriptor. The memory is
// freed once both libuv has closed the poll and the handle object has been collected.
#include <stdlib.h>
#include <uv.h>

#include "addon.h"
#include "napi-args.h"

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref self;               // keeps the handle object alive while watching
  napi_async_context async;    // lets async_hooks (and so AsyncLocalStorage) see the callbacks
  bool stopped;
  bool uv_closed;
  bool collected;
} fd_watch;

static void free_when_done(fd_watch *watch) {
  if (watch->uv_closed && watch->collected) free(watch);
}

static void on_uv_closed(uv_handle_t *handle) {
  fd_watch *watch = handle->data;
  watch->uv_closed = true;
  free_when_done(watch);
}

static void stop_polling(fd_watch *watch) {
  watch->stopped = true;
  uv_poll_stop(&watch->poll);
  uv_close((uv_handle_t *)&watch->poll, on_uv_closed);
}

// Releases what watch() took from JavaScript. Not at teardown: Node releases those itself.
static void release_js(fd_watch *watch) {
  napi_env env = watch->env;
  if (watch->callback != NULL) napi_delete_reference(env, watch->callback);
  if (watch->self != NULL) napi_delete_reference(env, watch->self);
  if (watch->async != NULL) napi_async_destroy(env, watch->async);
  watch->callback = watch->self = NULL;
  watch->async = NULL;
}

// Marks handles as ours, so unwatch() refuses another addon's external instead of misreading it.
static const napi_type_tag fd_watch_tag = {0x636c61747465722eULL, 0x6664576174636801ULL};

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  fd_watch *watch = handle->data;
  if (watch->stopped) return;
  napi_env env = watch->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver, argument, result;
  if (napi_get_reference_value(env, watch->callback, &callback) == napi_ok &&
      napi_get_global(env, &receiver) == napi_ok &&  // make_callback needs an object
      napi_create_int32(env, status, &argument) == napi_ok) {
    // napi_make_callback (not napi_call_function): it runs the microtask queue afterwards, as
    // Node does after its own I/O callbacks, so promises resolved in the callback settle now.
    // The callback gets 0, or libuv's negative errno if polling itself failed.
    if (napi_make_callback(env, watch->async, receiver, callback, 1, &argument, &result) ==
        napi_pending_exception) {
      // An exception from the callback has nowhere to go up the stack: hand it to Node's
      // 'uncaughtException', as with any other I/O callback.
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

// The handle object was collected: after unwatch(), or at environment teardown while still
// watching (then only libuv is told; Node is releasing the references itself).
static void on_collected(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  fd_watch *watch = data;
  watch->collected = true;
  if (!watch->stopped) stop_polling(watch);
  free_when_done(watch);
}

napi_value fd_watch_start(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!get_args(env, info, 2, argv) || !arg_int32(env, argv[0], "fd", &fd)) return NULL;
  napi_valuetype type;
  if (napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    throw_type(env, "callback", "a function");
    return NULL;
  }
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return NULL;

  fd_watch *watch = calloc(1, sizeof *watch);
  if (watch == NULL) {
    napi_throw_error(env, NULL, "clatter_native: out of memory");
    return NULL;
  }
  int err = uv_poll_init(loop, &watch->poll, fd);  // fails for a bad fd or a regular file
  if (err < 0) {
    free(watch);
    return make_int(env, err);  // libuv errors are already -errno on Linux
  }
  watch->env = env;
  watch->poll.data = watch;

  napi_value handle, name;
  if (napi_create_external(env, watch, on_collected, NULL, &handle) != napi_ok) {
    watch->collected = true;  // no object will ever be collected: only libuv holds the memory
    stop_polling(watch);
    return NULL;
  }
  // From here on, on_collected frees the memory if anything below fails.
  if (napi_type_tag_object(env, handle, &fd_watch_tag) != napi_ok ||
      napi_create_string_utf8(env, "clatter.fdWatch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, handle, name, &watch->async) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &watch->callback) != napi_ok ||
      napi_create_reference(env, handle, 1, &watch->self) != napi_ok) {
    stop_polling(watch);
    release_js(watch);
    return NULL;
  }
  err = uv_poll_start(&watch->poll, UV_READABLE, on_readable);
  if (err < 0) {
    stop_polling(watch);
    release_js(watch);
    return make_int(env, err);
  }
  return handle;
}

// unwatch(handle): stops the callbacks at once (also when called from inside one). Idempotent.
napi_value fd_watch_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  fd_watch *watch;
  napi_valuetype type;
  bool ours = false;
  if (napi_typeof(env, argv[0], &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, argv[0], &fd_watch_tag, &ours) != napi_ok || !ours ||
      napi_get_value_external(env, argv[0], (void **)&watch) != napi_ok) {
    throw_type(env, "handle", "a handle returned by watch()");
    return NULL;
  }
  if (!watch->stopped) {
    stop_polling(watch);
    release_js(watch);
  }
  return NULL;
}
