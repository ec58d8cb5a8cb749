// A client of systemd's manager (org.freedesktop.systemd1) over D-Bus, through libsystemd's
// sd-bus. libsystemd is loaded with dlopen on first use (sys::DynamicLibrary): linking it would
// map it and five compression/crypto libraries into every hull start (about 0.5 ms), and only
// the systemd cgroup driver needs it.
//
//   auto bus = TRY(SystemdBus::connect(SystemdBus::Instance::System));
//   TRY(bus.start_transient_unit("hull-web.scope", props));  // returns once the job is done
//   ...
//   TRY(bus.stop_unit("hull-web.scope"));
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/cgroups/systemd_properties.h"

namespace hull::container::cgroups {

class SystemdBus {
 public:
  enum class Instance {
    System,  // the system bus (root)
    User,    // the user's session bus: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus
  };

  // Unsupported when libsystemd.so.0 cannot be loaded; a Sys error (with the errno sd-bus
  // reports) when the bus cannot be reached.
  static base::Result<SystemdBus> connect(Instance which);

  SystemdBus(SystemdBus&&) noexcept;
  SystemdBus& operator=(SystemdBus&&) noexcept;
  ~SystemdBus();

  // StartTransientUnit(name, "replace", props, []) and waits (at most 30 s, as runc) for the
  // job's JobRemoved signal; a result other than "done" is an error. A unit of that name that is
  // still loaded (a failed leftover) is reset and the start retried once, as runc does.
  base::Result<> start_transient_unit(const std::string& name,
                                      const std::vector<UnitProperty>& props);
  // StopUnit(name, "replace") and waits for the job; a unit that is not loaded is already
  // stopped. Then ResetFailedUnit, so that a failed unit does not linger.
  base::Result<> stop_unit(const std::string& name);
  // SetUnitProperties(name, runtime = true, props).
  base::Result<> set_unit_properties(const std::string& name,
                                     const std::vector<UnitProperty>& props);
  // A string property of the manager: "Version" ("252.39-1~deb12u2"), "ControlGroup".
  base::Result<std::string> manager_property(const std::string& name);
  // The leading number of "Version" (252); read once per connection.
  base::Result<int> version();

  struct Impl;

 private:
  explicit SystemdBus(std::unique_ptr<Impl> impl);
  base::Result<> reset_failed_unit(const std::string& name);

  std::unique_ptr<Impl> m_impl;
};

// "v245.4-1.fc32", "\"252.39-1~deb12u2\"", "245" -> 245 (runc's systemdVersionAtoi).
base::Result<int> parse_systemd_version(const std::string& text);

}  // namespace hull::container::cgroups
