// Tunables of the TCP engine and their defaults (Linux's where RFCs leave a choice, RFCs' otherwise).

/** Stack-wide settings (one RkTcp). Times in milliseconds of guest time. */
export interface RkTcpConfig {
  /** RFC 6298 §2.1 initial RTO (1 s). */
  initialRto: number;
  /** RFC 6298 §2.4 floor (1 s there; Linux uses 200 ms). */
  minRto: number;
  /** RFC 6298 §2.5 ceiling (at least 60 s). */
  maxRto: number;
  /** Retransmissions of a data segment before the connection fails with ETIMEDOUT. */
  maxRetries: number;
  /** Retransmissions of a SYN before connect fails with ETIMEDOUT. */
  maxSynRetries: number;
  /** Delayed-ACK timeout (RFC 5681 §4.2: under 500 ms). */
  delayedAck: number;
  /** Maximum segment lifetime; TIME_WAIT lasts 2 MSL. */
  msl: number;
  /** Most TIME_WAIT records kept; the oldest is dropped past this (never blocks new connections). */
  maxTimeWait: number;
  /** FIN_WAIT_2 timeout once the application closed (Linux tcp_fin_timeout). */
  finWait2Timeout: number;
  /** Default socket buffer sizes (SO_SNDBUF / SO_RCVBUF). */
  sendBuffer: number;
  recvBuffer: number;
  /** Half-open connections a listener keeps (its SYN queue). */
  synBacklog: number;
  /** Ephemeral port range for connect() (IANA: 49152-65535). */
  ephemeralLow: number;
  ephemeralHigh: number;
  /** Keepalive timings (SO_KEEPALIVE with TCP_KEEPIDLE/INTVL/CNT defaults). */
  keepIdle: number;
  keepIntvl: number;
  keepCnt: number;
  /** Offer SACK, window scaling and timestamps in SYNs. */
  sack: boolean;
  windowScaling: boolean;
  timestamps: boolean;
}

export const RK_TCP_DEFAULTS: Readonly<RkTcpConfig> = Object.freeze({
  initialRto: 1000,
  minRto: 200,
  maxRto: 60_000,
  maxRetries: 15,
  maxSynRetries: 6,
  delayedAck: 40,
  msl: 30_000,
  maxTimeWait: 4096,
  finWait2Timeout: 60_000,
  sendBuffer: 64 * 1024,
  recvBuffer: 64 * 1024,
  synBacklog: 256,
  ephemeralLow: 49152,
  ephemeralHigh: 65535,
  keepIdle: 7_200_000,
  keepIntvl: 75_000,
  keepCnt: 9,
  sack: true,
  windowScaling: true,
  timestamps: true,
});

/** The MSS assumed when the peer sends none (RFC 9293 §3.7.1: 536 for IPv4). */
export const TCP_DEFAULT_MSS = 536;
/** Largest window shift (RFC 7323 §2.3). */
export const TCP_MAX_WSCALE = 14;
