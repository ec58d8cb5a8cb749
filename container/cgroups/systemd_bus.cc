#include "container/cgroups/systemd_bus.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "sys/dynamic_library.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using base::Result;

namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr auto kJobTimeout = std::chrono::seconds(30);

// The sd-bus functions hull calls, resolved once from libsystemd.so.0 (kept loaded for the
// process's lifetime: sd-bus objects must not outlive their code).
struct SdBus {
  decltype(&sd_bus_open_system) open_system;
  decltype(&sd_bus_open_user) open_user;
  decltype(&sd_bus_flush_close_unref) flush_close_unref;
  decltype(&sd_bus_message_new_method_call) new_method_call;
  decltype(&sd_bus_message_unref) message_unref;
  decltype(&sd_bus_message_append) append;
  decltype(&sd_bus_message_append_basic) append_basic;
  decltype(&sd_bus_message_append_array) append_array;
  decltype(&sd_bus_message_open_container) open_container;
  decltype(&sd_bus_message_close_container) close_container;
  decltype(&sd_bus_message_read) read;
  decltype(&sd_bus_call) call;
  decltype(&sd_bus_error_free) error_free;
  decltype(&sd_bus_error_has_name) error_has_name;
  decltype(&sd_bus_match_signal_async) match_signal_async;
  decltype(&sd_bus_slot_unref) slot_unref;
  decltype(&sd_bus_process) process;
  decltype(&sd_bus_wait) wait;
  decltype(&sd_bus_get_property_string) get_property_string;
};

Result<const SdBus*> sd_bus_api() {
  static std::optional<sys::DynamicLibrary> lib;
  static SdBus api;
  if (lib) return &api;
  auto loaded = sys::DynamicLibrary::open("libsystemd.so.0");
  if (!loaded.has_value())
    return fail(std::move(loaded).error().context(
        "the systemd cgroup driver needs libsystemd (Debian: libsystemd0)"));
#define HULL_SD_BUS(field, symbol) api.field = TRY(loaded->function<decltype(&symbol)>(#symbol))
  HULL_SD_BUS(open_system, sd_bus_open_system);
  HULL_SD_BUS(open_user, sd_bus_open_user);
  HULL_SD_BUS(flush_close_unref, sd_bus_flush_close_unref);
  HULL_SD_BUS(new_method_call, sd_bus_message_new_method_call);
  HULL_SD_BUS(message_unref, sd_bus_message_unref);
  HULL_SD_BUS(append, sd_bus_message_append);
  HULL_SD_BUS(append_basic, sd_bus_message_append_basic);
  HULL_SD_BUS(append_array, sd_bus_message_append_array);
  HULL_SD_BUS(open_container, sd_bus_message_open_container);
  HULL_SD_BUS(close_container, sd_bus_message_close_container);
  HULL_SD_BUS(read, sd_bus_message_read);
  HULL_SD_BUS(call, sd_bus_call);
  HULL_SD_BUS(error_free, sd_bus_error_free);
  HULL_SD_BUS(error_has_name, sd_bus_error_has_name);
  HULL_SD_BUS(match_signal_async, sd_bus_match_signal_async);
  HULL_SD_BUS(slot_unref, sd_bus_slot_unref);
  HULL_SD_BUS(process, sd_bus_process);
  HULL_SD_BUS(wait, sd_bus_wait);
  HULL_SD_BUS(get_property_string, sd_bus_get_property_string);
#undef HULL_SD_BUS
  lib = std::move(*loaded);
  return &api;
}

// The loaded table; only called once sd_bus_api() has succeeded (an object exists).
const SdBus& api() {
  auto a = sd_bus_api();
  VERIFY(a.has_value());
  return **a;
}

struct BusTraits {
  using Value = sd_bus*;
  static constexpr sd_bus* invalid() { return nullptr; }
  static void free(sd_bus* b) { api().flush_close_unref(b); }
};
struct MessageTraits {
  using Value = sd_bus_message*;
  static constexpr sd_bus_message* invalid() { return nullptr; }
  static void free(sd_bus_message* m) { api().message_unref(m); }
};
struct SlotTraits {
  using Value = sd_bus_slot*;
  static constexpr sd_bus_slot* invalid() { return nullptr; }
  static void free(sd_bus_slot* s) { api().slot_unref(s); }
};
using Bus = sys::UniqueHandle<BusTraits>;
using Message = sys::UniqueHandle<MessageTraits>;
using Slot = sys::UniqueHandle<SlotTraits>;

// An sd_bus_error that frees itself.
struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { api().error_free(&e); }
  bool is(const char* name) const { return api().error_has_name(&e, name) > 0; }
};

// "StartTransientUnit hull-web.scope: Unit hull-web.scope already exists.
// (org.freedesktop.systemd1.UnitExists)", or the errno of a failure without a D-Bus error.
Error call_error(const std::string& method, const std::string& subject, int r,
                 const BusError& err) {
  if (err.e.name == nullptr) return Error::from_errno(-r, method, subject);
  return Error::make(base::ErrorKind::Sys,
                     method + " " + subject + ": " +
                         (err.e.message != nullptr ? err.e.message : "failed") + " (" + err.e.name +
                         ")");
}

Error build_error(const std::string& method, int r) {
  return Error::from_errno(-r, "building the D-Bus message for", method);
}

// Appends one (sv) entry.
int append_property(sd_bus_message* m, const UnitProperty& p) {
  const SdBus& a = api();
  int r = a.open_container(m, 'r', "sv");
  if (r < 0) return r;
  if ((r = a.append_basic(m, 's', p.name.c_str())) < 0) return r;
  const char* sig = unit_property_signature(p.value);
  if ((r = a.open_container(m, 'v', sig)) < 0) return r;
  switch (p.value.index()) {
    case 0: {
      int b = std::get<bool>(p.value) ? 1 : 0;  // D-Bus booleans are 32-bit
      r = a.append_basic(m, 'b', &b);
      break;
    }
    case 1: {
      uint64_t t = std::get<uint64_t>(p.value);
      r = a.append_basic(m, 't', &t);
      break;
    }
    case 2: r = a.append_basic(m, 's', std::get<std::string>(p.value).c_str()); break;
    case 3: {
      const auto& v = std::get<std::vector<uint32_t>>(p.value);
      r = a.append_array(m, 'u', v.data(), v.size() * sizeof(uint32_t));
      break;
    }
    case 4: {
      const auto& v = std::get<std::vector<uint8_t>>(p.value);
      r = a.append_array(m, 'y', v.data(), v.size());
      break;
    }
    case 5: {
      const auto& v = std::get<UnitProperty::Pairs>(p.value);
      if ((r = a.open_container(m, 'a', "(st)")) < 0) return r;
      for (const auto& [s, t] : v)
        if ((r = a.append(m, "(st)", s.c_str(), t)) < 0) return r;
      r = a.close_container(m);
      break;
    }
    default: {
      const auto& v = std::get<UnitProperty::StringPairs>(p.value);
      if ((r = a.open_container(m, 'a', "(ss)")) < 0) return r;
      for (const auto& [s1, s2] : v)
        if ((r = a.append(m, "(ss)", s1.c_str(), s2.c_str())) < 0) return r;
      r = a.close_container(m);
      break;
    }
  }
  if (r < 0) return r;
  if ((r = a.close_container(m)) < 0) return r;
  return a.close_container(m);
}

int append_properties(sd_bus_message* m, const std::vector<UnitProperty>& props) {
  int r = api().open_container(m, 'a', "(sv)");
  if (r < 0) return r;
  for (const auto& p : props)
    if ((r = append_property(m, p)) < 0) return r;
  return api().close_container(m);
}

}  // namespace

struct SystemdBus::Impl {
  Bus bus;
  Slot job_removed;
  std::map<std::string, std::string> finished_jobs;  // job object path -> result
  int version = 0;

  Result<Message> method(const char* member) {
    sd_bus_message* m = nullptr;
    int r = api().new_method_call(bus.get(), &m, kService, kPath, kManager, member);
    if (r < 0) return fail(build_error(member, r));
    return Message(m);
  }

  // Sends `m` and returns the reply, or the D-Bus error's text; `err` keeps the error for the
  // caller to branch on.
  Result<Message> call(const Message& m, const std::string& method, const std::string& subject,
                       BusError& err) {
    sd_bus_message* reply = nullptr;
    int r = api().call(bus.get(), m.get(), 0, &err.e, &reply);
    if (r < 0) return fail(call_error(method, subject, r, err));
    return Message(reply);
  }

  // Waits for JobRemoved of `job` (a reply's object path). The signal may already have been
  // queued while the call was waiting for its reply: the match was added before the call.
  Result<> wait_job(const std::string& job, const std::string& what) {
    auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
    for (;;) {
      if (auto it = finished_jobs.find(job); it != finished_jobs.end()) {
        std::string result = it->second;
        finished_jobs.erase(it);
        if (result == "done") return {};
        return fail(Error::make(base::ErrorKind::Sys, what + ": job " + result));
      }
      int r = api().process(bus.get(), nullptr);
      if (r < 0) return fail(Error::from_errno(-r, "sd_bus_process", "waiting for " + what));
      if (r > 0) continue;
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero())
        return fail(Error::make(base::ErrorKind::Sys,
                                "timed out after 30 s waiting for systemd to " + what));
      auto usec = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      r = api().wait(bus.get(), static_cast<uint64_t>(usec));
      if (r < 0 && r != -EINTR)
        return fail(Error::from_errno(-r, "sd_bus_wait", "waiting for " + what));
    }
  }

  static int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<Impl*>(userdata);
    uint32_t id = 0;
    const char* job = nullptr;
    const char* unit = nullptr;
    const char* result = nullptr;
    if (api().read(m, "uoss", &id, &job, &unit, &result) < 0) return 0;  // not ours to judge
    self->finished_jobs[job] = result;
    return 0;
  }
};

SystemdBus::SystemdBus(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SystemdBus::SystemdBus(SystemdBus&&) noexcept = default;
SystemdBus& SystemdBus::operator=(SystemdBus&&) noexcept = default;
SystemdBus::~SystemdBus() = default;

Result<SystemdBus> SystemdBus::connect(Instance which) {
  const SdBus& a = *TRY(sd_bus_api());
  auto impl = std::make_unique<Impl>();
  sd_bus* bus = nullptr;
  int r = which == Instance::System ? a.open_system(&bus) : a.open_user(&bus);
  if (r < 0) {
    if (which == Instance::System)
      return fail(Error::from_errno(-r, "connecting to the D-Bus system bus"));
    return fail(
        Error::from_errno(-r, "connecting to the D-Bus user session bus")
            .context(
                "rootless: is this user's systemd running with its D-Bus (dbus-user-session), and "
                "XDG_RUNTIME_DIR or DBUS_SESSION_BUS_ADDRESS set?"));
  }
  impl->bus = Bus(bus);
  // JobRemoved tells when a job (a unit's start or stop) has finished, and how.
  sd_bus_slot* slot = nullptr;
  r = a.match_signal_async(bus, &slot, kService, kPath, kManager, "JobRemoved",
                           &Impl::on_job_removed, nullptr, impl.get());
  if (r < 0) return fail(Error::from_errno(-r, "sd_bus_match_signal_async", "JobRemoved"));
  impl->job_removed = Slot(slot);
  return SystemdBus(std::move(impl));
}

Result<> SystemdBus::start_transient_unit(const std::string& name,
                                          const std::vector<UnitProperty>& props) {
  const SdBus& a = api();
  for (int attempt = 0;; ++attempt) {
    Message m = TRY(m_impl->method("StartTransientUnit"));
    int r = a.append(m.get(), "ss", name.c_str(), "replace");
    if (r >= 0) r = append_properties(m.get(), props);
    if (r >= 0) r = a.append(m.get(), "a(sa(sv))", 0);  // no auxiliary units
    if (r < 0) return fail(build_error("StartTransientUnit", r));
    BusError err;
    auto reply = m_impl->call(m, "StartTransientUnit", name, err);
    if (!reply.has_value()) {
      // A unit of that name still loaded: a failed leftover (runc resets it and retries once).
      if (attempt == 0 && err.is("org.freedesktop.systemd1.UnitExists")) {
        (void)reset_failed_unit(name);
        continue;
      }
      return fail(std::move(reply).error());
    }
    const char* job = nullptr;
    r = a.read(reply->get(), "o", &job);
    if (r < 0) return fail(Error::from_errno(-r, "reading the reply of StartTransientUnit", name));
    auto done = m_impl->wait_job(job, "start " + name);
    if (!done.has_value()) {
      (void)reset_failed_unit(name);
      return fail(std::move(done).error());
    }
    return {};
  }
}

Result<> SystemdBus::stop_unit(const std::string& name) {
  const SdBus& a = api();
  Message m = TRY(m_impl->method("StopUnit"));
  int r = a.append(m.get(), "ss", name.c_str(), "replace");
  if (r < 0) return fail(build_error("StopUnit", r));
  BusError err;
  auto reply = m_impl->call(m, "StopUnit", name, err);
  if (!reply.has_value()) {
    // A scope whose processes have all exited is stopped and unloaded by systemd itself.
    if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return {};
    return fail(std::move(reply).error());
  }
  const char* job = nullptr;
  r = a.read(reply->get(), "o", &job);
  if (r < 0) return fail(Error::from_errno(-r, "reading the reply of StopUnit", name));
  auto done = m_impl->wait_job(job, "stop " + name);
  (void)reset_failed_unit(name);
  return done;
}

Result<> SystemdBus::set_unit_properties(const std::string& name,
                                         const std::vector<UnitProperty>& props) {
  const SdBus& a = api();
  Message m = TRY(m_impl->method("SetUnitProperties"));
  int runtime = 1;  // until the next boot only, as for a transient unit
  int r = a.append(m.get(), "s", name.c_str());
  if (r >= 0) r = a.append_basic(m.get(), 'b', &runtime);
  if (r >= 0) r = append_properties(m.get(), props);
  if (r < 0) return fail(build_error("SetUnitProperties", r));
  BusError err;
  TRY(m_impl->call(m, "SetUnitProperties", name, err));
  return {};
}

Result<> SystemdBus::reset_failed_unit(const std::string& name) {
  Message m = TRY(m_impl->method("ResetFailedUnit"));
  int r = api().append(m.get(), "s", name.c_str());
  if (r < 0) return fail(build_error("ResetFailedUnit", r));
  BusError err;
  TRY(m_impl->call(m, "ResetFailedUnit", name, err));
  return {};
}

Result<std::string> SystemdBus::manager_property(const std::string& name) {
  BusError err;
  char* value = nullptr;
  int r = api().get_property_string(m_impl->bus.get(), kService, kPath, kManager, name.c_str(),
                                    &err.e, &value);
  if (r < 0) return fail(call_error("Get", std::string(kManager) + "." + name, r, err));
  std::string out = value != nullptr ? value : "";
  std::free(value);  // sd-bus hands over a malloc'd copy
  return out;
}

Result<int> SystemdBus::version() {
  if (m_impl->version == 0) {
    std::string text = TRY(manager_property("Version"));
    m_impl->version = TRY(parse_systemd_version(text));
  }
  return m_impl->version;
}

Result<int> parse_systemd_version(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == '"' || text[i] == 'v')) ++i;
  int v = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 6; ++i, ++digits)
    v = v * 10 + (text[i] - '0');
  if (digits == 0) return fail(Error::protocol("systemd version \"" + text + "\" has no number"));
  return v;
}

}  // namespace hull::container::cgroups
