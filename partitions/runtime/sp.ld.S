/*
 * Test-partition link script (run through cpp): the image at the package's
 * img_offset, .bss (with the stacks) in the "rw-data" memory region that the
 * manifest declares at load-address-relative-offset SP_BSS_OFFSET.
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)
SECTIONS
{
	. = SP_LOAD_ADDRESS + SP_IMG_OFFSET;
	.text : { *(.text.head) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	. = SP_LOAD_ADDRESS + SP_BSS_OFFSET;
	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		*(.bss.stacks) *(.bss .bss.* COMMON)
		. = ALIGN(64);
		__bss_end = .;
	}
	ASSERT(__bss_end <= SP_LOAD_ADDRESS + SP_BSS_OFFSET + SP_BSS_SIZE, "bss too big")
	ASSERT(_start == SP_LOAD_ADDRESS + SP_IMG_OFFSET, "_start must come first")
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
