// What this build of hull supports, as the runtime-spec's features document (features.md) that
// `runc features` prints and engines read (containerd checks mountExtensions.idmap, for one).
// Every list comes from the table the parser itself uses, so it cannot claim what hull refuses.
#pragma once

#include <string>
#include <string_view>

namespace hull::container {

// The JSON document, two-space indented; `version` is hull's own version string.
std::string features_json(std::string_view version);

}  // namespace hull::container
