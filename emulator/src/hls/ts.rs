//! An MPEG-TS muxer for one H.264 and one AAC (ADTS) stream.
//!
//! `mpeg2ts` encodes the packet headers, PAT/PMT sections (with CRC), PES headers and
//! adaptation fields, and stuffs short packets. This module splits each PES over packets
//! and keeps the continuity counters and the clock.

use mpeg2ts::es::{StreamId, StreamType};
use mpeg2ts::pes::PesHeader;
use mpeg2ts::time::{ClockReference, Timestamp};
use mpeg2ts::ts::payload::{Bytes, Pat, Pes, Pmt};
use mpeg2ts::ts::{
    AdaptationField, ContinuityCounter, EsInfo, Pid, ProgramAssociation,
    TransportScramblingControl, TsHeader, TsPacket, TsPacketWriter, TsPayload, VersionNumber,
    WriteTsPacket,
};

use crate::hls::error::HlsError;

/// PID of the program map table.
pub const PID_PMT: u16 = 0x1000;
/// PID of the H.264 stream.
pub const PID_VIDEO: u16 = 0x100;
/// PID of the AAC stream.
pub const PID_AUDIO: u16 = 0x101;
/// How far (90 kHz ticks) PTS/DTS run ahead of the PCR: 0.7 s.
const DELAY: i64 = 63_000;
const PAYLOAD: usize = 184;

/// A millisecond timestamp on the 90 kHz clock, plus `DELAY`, wrapped to 33 bits.
fn clock90(ms: i64, delay: i64) -> u64 {
    (ms.saturating_mul(90).saturating_add(delay)).rem_euclid(1 << 33) as u64
}

fn ts_err(e: mpeg2ts::Error) -> HlsError {
    HlsError::Mux(e.to_string())
}

fn pid(n: u16) -> Result<Pid, HlsError> {
    Pid::new(n).map_err(ts_err)
}

/// The muxer state that must persist across segments: continuity counters per PID.
#[derive(Debug, Default)]
pub struct TsMuxer {
    cc_pat: ContinuityCounter,
    cc_pmt: ContinuityCounter,
    cc_video: ContinuityCounter,
    cc_audio: ContinuityCounter,
    pmt_version: u8,
}

fn header(pid: Pid, cc: &mut ContinuityCounter) -> TsHeader {
    let h = TsHeader {
        transport_error_indicator: false,
        transport_priority: false,
        pid,
        transport_scrambling_control: TransportScramblingControl::NotScrambled,
        continuity_counter: *cc,
    };
    cc.increment();
    h
}

/// One PES to write.
struct PesSpec<'a> {
    pid: u16,
    stream_id: u8,
    pts_ms: i64,
    dts_ms: i64,
    /// Write a PCR (the DTS, without the delay) in the first packet.
    pcr: bool,
    random_access: bool,
    es: &'a [u8],
}

impl TsMuxer {
    /// Writes a PAT and a PMT listing the streams present. `bump` gives the PMT a new
    /// version (the stream set changed within a segment).
    pub fn write_psi(
        &mut self,
        out: &mut Vec<u8>,
        video: bool,
        audio: bool,
        bump: bool,
    ) -> Result<(), HlsError> {
        if bump {
            self.pmt_version = (self.pmt_version + 1) % 32;
        }
        let mut w = TsPacketWriter::new(out);
        let pat = Pat {
            transport_stream_id: 1,
            version_number: VersionNumber::new(),
            table: vec![ProgramAssociation {
                program_num: 1,
                program_map_pid: pid(PID_PMT)?,
            }],
        };
        w.write_ts_packet(&TsPacket {
            header: header(pid(0)?, &mut self.cc_pat),
            adaptation_field: None,
            payload: Some(TsPayload::Pat(pat)),
        })
        .map_err(ts_err)?;
        let mut es_info = Vec::new();
        if video {
            es_info.push(EsInfo {
                stream_type: StreamType::H264,
                elementary_pid: pid(PID_VIDEO)?,
                descriptors: vec![],
            });
        }
        if audio {
            es_info.push(EsInfo {
                stream_type: StreamType::AdtsAac,
                elementary_pid: pid(PID_AUDIO)?,
                descriptors: vec![],
            });
        }
        let pmt = Pmt {
            program_num: 1,
            pcr_pid: Some(pid(if video || !audio {
                PID_VIDEO
            } else {
                PID_AUDIO
            })?),
            version_number: VersionNumber::from_u8(self.pmt_version).map_err(ts_err)?,
            program_info: vec![],
            es_info,
        };
        w.write_ts_packet(&TsPacket {
            header: header(pid(PID_PMT)?, &mut self.cc_pmt),
            adaptation_field: None,
            payload: Some(TsPayload::Pmt(pmt)),
        })
        .map_err(ts_err)
    }

    /// Writes one H.264 access unit (Annex-B) as a PES with PTS/DTS and a PCR.
    pub fn write_video(
        &mut self,
        out: &mut Vec<u8>,
        dts_ms: i64,
        pts_ms: i64,
        keyframe: bool,
        annex_b: &[u8],
    ) -> Result<(), HlsError> {
        let spec = PesSpec {
            pid: PID_VIDEO,
            stream_id: 0xe0,
            pts_ms,
            dts_ms,
            pcr: true,
            random_access: keyframe,
            es: annex_b,
        };
        let mut cc = self.cc_video;
        let r = write_pes(out, &mut cc, &spec);
        self.cc_video = cc;
        r
    }

    /// Writes one ADTS frame as a PES with a PTS; with `pcr` (audio-only streams) the
    /// first packet carries the PCR.
    pub fn write_audio(
        &mut self,
        out: &mut Vec<u8>,
        pts_ms: i64,
        pcr: bool,
        adts: &[u8],
    ) -> Result<(), HlsError> {
        let spec = PesSpec {
            pid: PID_AUDIO,
            stream_id: 0xc0,
            pts_ms,
            dts_ms: pts_ms,
            pcr,
            random_access: pcr,
            es: adts,
        };
        let mut cc = self.cc_audio;
        let r = write_pes(out, &mut cc, &spec);
        self.cc_audio = cc;
        r
    }
}

fn write_pes(out: &mut Vec<u8>, cc: &mut ContinuityCounter, s: &PesSpec) -> Result<(), HlsError> {
    let pts = clock90(s.pts_ms, DELAY);
    let dts = clock90(s.dts_ms, DELAY);
    let header_pes = PesHeader {
        stream_id: StreamId::new(s.stream_id),
        priority: false,
        data_alignment_indicator: true,
        copyright: false,
        original_or_copy: false,
        pts: Some(Timestamp::new(pts).map_err(ts_err)?),
        dts: if dts == pts {
            None
        } else {
            Some(Timestamp::new(dts).map_err(ts_err)?)
        },
        escr: None,
    };
    // 6 bytes of start code, stream id and length; 3 of flags; 5 per timestamp.
    let header_len = 9 + 5 + if header_pes.dts.is_some() { 5 } else { 0 };
    let after_len = header_len - 6 + s.es.len();
    // 0 (unbounded) is allowed for video only; audio PES stay far below 64 KiB (ADTS caps
    // a frame at 8 KiB).
    let pes_packet_len = if s.stream_id >= 0xe0 {
        0
    } else {
        u16::try_from(after_len).unwrap_or(0)
    };
    let adaptation = (s.pcr || s.random_access).then(|| AdaptationField {
        discontinuity_indicator: false,
        random_access_indicator: s.random_access,
        es_priority_indicator: false,
        pcr: if s.pcr {
            ClockReference::new(clock90(s.dts_ms, 0) * 300).ok()
        } else {
            None
        },
        opcr: None,
        splice_countdown: None,
        transport_private_data: vec![],
        extension: None,
    });
    let adaptation_len = match &adaptation {
        Some(a) if a.pcr.is_some() => 8,
        Some(_) => 2,
        None => 0,
    };
    let first = s.es.len().min(PAYLOAD - adaptation_len - header_len);
    let (head, rest) = s.es.split_at(first);
    let p = pid(s.pid)?;
    let mut w = TsPacketWriter::new(out);
    w.write_ts_packet(&TsPacket {
        header: header(p, cc),
        adaptation_field: adaptation,
        payload: Some(TsPayload::PesStart(Pes {
            header: header_pes,
            pes_packet_len,
            data: Bytes::new(head).map_err(ts_err)?,
        })),
    })
    .map_err(ts_err)?;
    for chunk in rest.chunks(PAYLOAD) {
        w.write_ts_packet(&TsPacket {
            header: header(p, cc),
            adaptation_field: None,
            payload: Some(TsPayload::PesContinuation(
                Bytes::new(chunk).map_err(ts_err)?,
            )),
        })
        .map_err(ts_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mpeg2ts::ts::{ReadTsPacket, TsPacketReader};

    #[test]
    fn packets_read_back_with_counters_pcr_and_timestamps() {
        let mut m = TsMuxer::default();
        let mut out = Vec::new();
        m.write_psi(&mut out, true, true, false).unwrap();
        let big = vec![0xab; 1000];
        m.write_video(&mut out, 0, 80, true, &big).unwrap();
        m.write_audio(&mut out, 10, false, &[0xff; 50]).unwrap();
        m.write_video(&mut out, 40, 40, false, &[1; 183]).unwrap();
        assert_eq!(out.len() % 188, 0);

        let mut r = TsPacketReader::new(&out[..]);
        let mut last_cc: std::collections::HashMap<u16, u8> = Default::default();
        let (mut pat, mut pmt, mut pes_starts, mut pcrs) = (0, 0, 0, 0);
        while let Some(p) = r.read_ts_packet().unwrap() {
            let pid = p.header.pid.as_u16();
            let cc = p.header.continuity_counter.as_u8();
            if let Some(prev) = last_cc.insert(pid, cc) {
                assert_eq!(cc, (prev + 1) % 16, "continuity on pid {pid:#x}");
            }
            if let Some(af) = &p.adaptation_field {
                if let Some(pcr) = af.pcr {
                    pcrs += 1;
                    assert_eq!(pid, PID_VIDEO);
                    assert_eq!(pcr.as_u64() % 300, 0);
                }
            }
            match p.payload {
                Some(TsPayload::Pat(_)) => pat += 1,
                Some(TsPayload::Pmt(t)) => {
                    pmt += 1;
                    assert_eq!(t.es_info.len(), 2);
                    assert_eq!(t.es_info[0].stream_type, StreamType::H264);
                    assert_eq!(t.es_info[1].stream_type, StreamType::AdtsAac);
                }
                Some(TsPayload::PesStart(pes)) => {
                    pes_starts += 1;
                    let pts = pes.header.pts.unwrap().as_u64();
                    let dts = pes.header.dts.map_or(pts, |d| d.as_u64());
                    assert!(pts >= dts);
                    if pid == PID_VIDEO && pes_starts == 1 {
                        assert_eq!((dts, pts), (63_000, 63_000 + 80 * 90));
                        assert!(p.adaptation_field.unwrap().random_access_indicator);
                    }
                }
                _ => {}
            }
        }
        assert_eq!((pat, pmt, pes_starts, pcrs), (1, 1, 3, 2));
    }

    #[test]
    fn clock_wraps_to_33_bits() {
        assert_eq!(clock90(0, DELAY), 63_000);
        assert_eq!(clock90(-1000, 0), (1 << 33) - 90_000);
        assert!(clock90(i64::MAX, DELAY) < 1 << 33);
    }
}
