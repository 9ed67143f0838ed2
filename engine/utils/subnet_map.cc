// Port of utils/subnetMap.ts, statements in the TS order.
#include "engine/utils/subnet_map.h"

#include <algorithm>

namespace peers {

void SubnetMap::request(const RequestedSubnet& requested_subnet) {
  const Slot* existing = subnets_.find(requested_subnet.subnet);
  // Math.max(this.subnets.get(subnet) ?? 0, toSlot)
  subnets_.set(requested_subnet.subnet, std::max<Slot>(existing != nullptr ? *existing : 0, requested_subnet.to_slot));
}

std::optional<Slot> SubnetMap::get_to_slot(SubnetId subnet) const {
  const Slot* to_slot = subnets_.find(subnet);
  return to_slot != nullptr ? std::optional<Slot>(*to_slot) : std::nullopt;
}

bool SubnetMap::is_active_at_slot(SubnetId subnet, Slot slot) const {
  const Slot* to_slot = subnets_.find(subnet);
  return to_slot != nullptr && *to_slot >= slot;  // ACTIVE: >=
}

std::vector<SubnetId> SubnetMap::get_active(Slot current_slot) const {
  std::vector<SubnetId> subnet_ids;
  for (const auto& [subnet, to_slot] : subnets_) {
    if (to_slot >= current_slot) subnet_ids.push_back(subnet);
  }
  return subnet_ids;
}

std::vector<RequestedSubnet> SubnetMap::get_active_ttl(Slot current_slot) const {
  std::vector<RequestedSubnet> subnets;
  for (const auto& [subnet, to_slot] : subnets_) {
    if (to_slot >= current_slot) subnets.push_back(RequestedSubnet{.subnet = subnet, .to_slot = to_slot});
  }
  return subnets;
}

std::vector<SubnetId> SubnetMap::get_expired(Slot current_slot) {
  std::vector<SubnetId> subnet_ids;
  for (auto it = subnets_.begin(); it != subnets_.end(); ++it) {
    if (it->second < current_slot) {
      const SubnetId subnet = it->first;
      subnet_ids.push_back(subnet);
      subnets_.erase(subnet);
    }
  }
  return subnet_ids;
}

}  // namespace peers
