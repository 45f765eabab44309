/*
 * tzvisor hypervisor image, linked at HYP_BASE (preprocessed by the build):
 * 0x40080000 for QEMU's -kernel (DRAM base + the Image header's text_offset),
 * 0x60000000 as TF-A's BL33 on the secure stack.
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(hyp_image_header)

SECTIONS
{
	. = HYP_BASE;
	__image_start = .;
	.text : {
		__text_start = .;
		*(.text.head)
		*(.text.entry)
		*(.text.vectors)
		*(.text .text.*)
		. = ALIGN(4096);
		__text_end = .;
	}
	.rodata : {
		__rodata_start = .;
		*(.rodata .rodata.*)
		. = ALIGN(4096);
		__rodata_end = .;
	}
	.data : {
		__data_start = .;
		*(.data .data.*)
	}
	.bss (NOLOAD) : ALIGN(16) {
		__bss_start = .;
		*(.bss.stacks)
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	. = ALIGN(4096);
	__image_end = .;
	__image_size = __image_end - __image_start;
	ASSERT(hyp_image_header == HYP_BASE, "the Image header must start the image")
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
