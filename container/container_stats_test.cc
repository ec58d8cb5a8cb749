// The /proc/<pid>/net/dev parser behind Container::stats (the container's own interfaces).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/testing/matchers.h"
#include "container/container.h"

namespace hull::container {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;

TEST(ParseNetDev, EveryInterfaceAndCounter) {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:     140       2    0    0    0     0          0         0      140       2    0    "
      "0    0     0       0          0\n"
      "  eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n";
  auto ifs = parse_net_dev(text);
  ASSERT_THAT(ifs, IsOk());
  ASSERT_EQ(ifs->size(), 2u);
  EXPECT_EQ((*ifs)[0].name, "lo");
  EXPECT_EQ((*ifs)[0].rx_bytes, 140u);
  EXPECT_EQ((*ifs)[0].tx_packets, 2u);
  const auto& e = (*ifs)[1];
  EXPECT_EQ(e.name, "eth0");
  EXPECT_EQ(e.rx_bytes, 1000u);
  EXPECT_EQ(e.rx_packets, 10u);
  EXPECT_EQ(e.rx_errors, 1u);
  EXPECT_EQ(e.rx_dropped, 2u);
  EXPECT_EQ(e.tx_bytes, 2000u);
  EXPECT_EQ(e.tx_packets, 20u);
  EXPECT_EQ(e.tx_errors, 3u);
  EXPECT_EQ(e.tx_dropped, 4u);
  auto bad = parse_net_dev("  eth0: 1 2 3\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), HasSubstr("eth0"));
}

}  // namespace
}  // namespace hull::container
