// Flattened device tree format constants (Devicetree Specification v0.4 §5, libfdt's fdt.h).

/** Magic number at offset 0 of every blob (big-endian). */
export const FDT_MAGIC = 0xd00dfeed;

/** Struct block tokens (DT spec §5.4.1). */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Size of a version 17 header; version 16 headers lack `size_dt_struct` (36 bytes). */
export const FDT_V17_HEADER_SIZE = 40;
export const FDT_V16_HEADER_SIZE = 36;
/** The version this library writes, and the oldest it reads. */
export const FDT_LAST_SUPPORTED_VERSION = 17;
export const FDT_FIRST_SUPPORTED_VERSION = 16;
/** The `last_comp_version` written (libfdt's FDT_FIRST_SUPPORTED_VERSION). */
export const FDT_LAST_COMP_VERSION = 16;

/** One memory reservation entry: two big-endian u64 (address, size). */
export const FDT_RESERVE_ENTRY_SIZE = 16;

/** Longest node or property name accepted (libfdt FDT_MAX_NCELLS-independent, generous). */
export const FDT_MAX_NAME = 4096;
/** Deepest nesting accepted (libfdt's FDT_MAX_DEPTH). */
export const FDT_MAX_DEPTH = 64;
