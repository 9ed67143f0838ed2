// Requested subnets: a port of packages/beacon-node/src/network/peers/utils/subnetMap.ts:
// the RequestedSubnet type prioritizePeers reads,
// and the SubnetMap class (subnets tracked by toSlot, in Map insertion order).
//
// Owner: engine pure layers (prioritize).
#ifndef PEER_REPLAY_ENGINE_UTILS_SUBNET_MAP_H_
#define PEER_REPLAY_ENGINE_UTILS_SUBNET_MAP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/ordered_map.h"
#include "peers/types.h"

namespace peers {

using SubnetId = int64_t;  // SubnetID in @lodestar/types (a JS number)

// export type RequestedSubnet = {subnet, toSlot}: toSlot is the slot after which
// the network stops maintaining a min number of peers on `subnet`.
struct RequestedSubnet {
  SubnetId subnet = 0;
  Slot to_slot = 0;
  bool operator==(const RequestedSubnet&) const = default;
};

// export class SubnetMap: requested subnets by toSlot.
class SubnetMap {
 public:
  size_t size() const { return subnets_.size(); }
  bool has(SubnetId subnet) const { return subnets_.contains(subnet); }
  // Registers a requested subnet; extends toSlot if the subnet is already there.
  void request(const RequestedSubnet& requested_subnet);
  // The last active slot of a subnet.
  std::optional<Slot> get_to_slot(SubnetId subnet) const;
  bool is_active_at_slot(SubnetId subnet, Slot slot) const;
  // Subnets with toSlot >= current_slot.
  std::vector<SubnetId> get_active(Slot current_slot) const;
  std::vector<RequestedSubnet> get_active_ttl(Slot current_slot) const;
  // Subnets with toSlot < current_slot; also deletes them.
  std::vector<SubnetId> get_expired(Slot current_slot);
  std::vector<SubnetId> get_all() const { return subnets_.keys(); }
  void erase(SubnetId subnet) { subnets_.erase(subnet); }  // delete(subnet)

 private:
  OrderedMap<SubnetId, Slot> subnets_;  // subnet -> the slot until it is needed
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_UTILS_SUBNET_MAP_H_
