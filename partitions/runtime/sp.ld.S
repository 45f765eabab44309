/*
 * Test-partition link script (run through cpp): the image at the package's
 * img_offset, .bss (with the stacks) in the "rw-data" memory region that the
 * manifest declares at load-address-relative-offset SP_BSS_OFFSET.
 * Text, rodata and data each start on a page so that the partition's own
 * stage 1 (runtime/mmu.c) can give them different permissions.
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)
SECTIONS
{
	/* The package header, which the SPMC overwrites with the FF-A boot information. */
	__package_start = SP_LOAD_ADDRESS;
	. = SP_LOAD_ADDRESS + SP_IMG_OFFSET;
	.text : {
		__text_start = .;
		*(.text.head)
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
	. = ALIGN(4096);
	__data_end = .; /* outside .data: the page's padding is not in the image */
	. = SP_LOAD_ADDRESS + SP_BSS_OFFSET;
	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		*(.bss.stacks) *(.bss .bss.* COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	}
	ASSERT(__bss_end <= SP_LOAD_ADDRESS + SP_BSS_OFFSET + SP_BSS_SIZE, "bss too big")
	ASSERT(__data_end <= SP_LOAD_ADDRESS + SP_BSS_OFFSET, "image runs into .bss")
	ASSERT(_start == SP_LOAD_ADDRESS + SP_IMG_OFFSET, "_start must come first")
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
