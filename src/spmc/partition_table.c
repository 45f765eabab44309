/* The partition table and its lookups, apart from the loader so that host tests can link them. */
#include "spmc/partition.h"

struct partition partitions[SPMC_MAX_SPS];
unsigned int partition_count;

struct partition *partition_find(ffa_id_t id)
{
	for (unsigned int i = 0; i < partition_count; i++) {
		if (partitions[i].id == id) {
			return &partitions[i];
		}
	}
	return NULL;
}

struct vcpu *partition_vcpu_for_cpu(struct partition *sp, unsigned int cpu_index)
{
	if (sp->vcpu_count == 1) {
		return &sp->vcpus[0];
	}
	return cpu_index < sp->vcpu_count ? &sp->vcpus[cpu_index] : NULL;
}
