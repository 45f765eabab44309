/*
 * EL1 vectors for S-EL0 partitions. An S-EL0 SP runs at EL0 in the EL1&0
 * regime, under stage-1 tables the SPMC builds and its own stage 2. This
 * page, mapped EL1-only (execute) in its stage 1, is all that runs at EL1:
 * every exception from EL0 (the SVC of an FF-A call, or a fault) becomes an
 * HVC to the SPMC, which reads ESR_EL1 to tell which it was. For an FF-A
 * call the SPMC returns the answer in x0-x17 and the ERET goes back to EL0
 * after the SVC; a fault stops the partition. The shim touches no register.
 */
	.section .text.el0_shim, "ax"
	.balign 4096
	.global el0_shim_vectors
el0_shim_vectors:
	.rept 16
	.balign 0x80
	hvc	#0
	eret
	.endr
	.balign 4096
