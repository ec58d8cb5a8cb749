#include "container/idmapped_mounts.h"

#include <gmock/gmock.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;

Config with_mount(Mount m) {
  Config c;
  c.mounts.push_back(Mount{"/proc", "proc", "proc", {}, {}, {}});
  c.mounts.push_back(std::move(m));
  return c;
}

const std::vector<IdMapping> kMap = {{0, 100000, 65536}};

TEST(IdmappedMountsTest, WhatCountsAsIdmapped) {
  Mount plain{"/a", "bind", "/src", {"rbind"}, {}, {}};
  Mount opt{"/a", "bind", "/src", {"rbind", "ridmap"}, {}, {}};
  Mount mapped{"/a", "bind", "/src", {"bind"}, kMap, kMap};
  EXPECT_FALSE(is_idmapped(plain, *parse_mount_options(plain)));
  EXPECT_TRUE(is_idmapped(opt, *parse_mount_options(opt)));
  EXPECT_TRUE(parse_mount_options(opt)->ridmap);
  // Mappings alone imply "idmap" (not recursive), as in runc.
  EXPECT_TRUE(is_idmapped(mapped, *parse_mount_options(mapped)));
  EXPECT_FALSE(parse_mount_options(mapped)->ridmap);
}

TEST(IdmappedMountsTest, AcceptsBindMountsWithMappingsOrAUserns) {
  EXPECT_THAT(
      check_idmapped_mounts(with_mount({"/a", "bind", "/src", {"bind"}, kMap, kMap}), false, false),
      IsOk());
  EXPECT_THAT(check_idmapped_mounts(with_mount({"/a", "", "/src", {"rbind", "idmap"}, {}, {}}),
                                    true, false),
              IsOk());
  EXPECT_THAT(check_idmapped_mounts(with_mount({"/a", "tmpfs", "tmpfs", {}, {}, {}}), false, false),
              IsOk());
}

TEST(IdmappedMountsTest, RefusalsNameTheMount) {
  auto not_bind =
      check_idmapped_mounts(with_mount({"/a", "tmpfs", "tmpfs", {"idmap"}, {}, {}}), true, false);
  EXPECT_THAT(not_bind, FailedWith(base::ErrorKind::InvalidArgument));
  EXPECT_THAT(
      not_bind,
      ErrorMessageHas(".mounts[1] (/a): id-mapped mounts are only supported for bind mounts"));

  auto half =
      check_idmapped_mounts(with_mount({"/a", "bind", "/src", {"bind"}, kMap, {}}), true, false);
  EXPECT_THAT(half, ErrorMessageHas(
                        ".mounts[1] (/a): id-mapped mounts need both uidMappings and gidMappings"));

  auto no_userns = check_idmapped_mounts(
      with_mount({"/a", "bind", "/src", {"bind", "idmap"}, {}, {}}), false, false);
  EXPECT_THAT(no_userns, ErrorMessageHas("the container has none"));

  auto rootless =
      check_idmapped_mounts(with_mount({"/a", "bind", "/src", {"bind"}, kMap, kMap}), true, true);
  EXPECT_THAT(rootless, ErrorMessageHas("not supported for rootless containers"));
}

}  // namespace
}  // namespace hull::container
