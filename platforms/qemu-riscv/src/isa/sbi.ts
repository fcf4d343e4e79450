// SBI extension IDs, function IDs and error codes (RISC-V SBI spec v2.0, §3 and the chapters cited).

export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;

export const SBI_EXT_LEGACY_SET_TIMER = 0x00;
export const SBI_EXT_LEGACY_CONSOLE_PUTCHAR = 0x01;
export const SBI_EXT_LEGACY_CONSOLE_GETCHAR = 0x02;
export const SBI_EXT_LEGACY_CLEAR_IPI = 0x03;
export const SBI_EXT_LEGACY_SEND_IPI = 0x04;
export const SBI_EXT_LEGACY_SHUTDOWN = 0x08;
export const SBI_EXT_BASE = 0x10;
export const SBI_EXT_TIME = 0x54494d45;
export const SBI_EXT_IPI = 0x735049;
export const SBI_EXT_RFENCE = 0x52464e43;
export const SBI_EXT_HSM = 0x48534d;
export const SBI_EXT_SRST = 0x53525354;
export const SBI_EXT_DBCN = 0x4442434e;

export const SBI_BASE_GET_SPEC_VERSION = 0;
export const SBI_BASE_GET_IMPL_ID = 1;
export const SBI_BASE_GET_IMPL_VERSION = 2;
export const SBI_BASE_PROBE_EXT = 3;
export const SBI_BASE_GET_MVENDORID = 4;
export const SBI_BASE_GET_MARCHID = 5;
export const SBI_BASE_GET_MIMPID = 6;

export const SBI_TIME_SET_TIMER = 0;
export const SBI_IPI_SEND_IPI = 0;
export const SBI_HSM_HART_START = 0;
export const SBI_HSM_HART_STOP = 1;
export const SBI_HSM_HART_GET_STATUS = 2;
export const SBI_HSM_HART_SUSPEND = 3;
export const SBI_SRST_SYSTEM_RESET = 0;

export const SBI_HSM_STATE_STARTED = 0;
export const SBI_HSM_STATE_STOPPED = 1;

export const SBI_SRST_TYPE_SHUTDOWN = 0;
export const SBI_SRST_TYPE_COLD_REBOOT = 1;
export const SBI_SRST_TYPE_WARM_REBOOT = 2;
export const SBI_SRST_REASON_NONE = 0;
export const SBI_SRST_REASON_SYSFAIL = 1;
