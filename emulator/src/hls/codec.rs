//! Parsers for what FLV tags carry: the AVCDecoderConfigurationRecord, the H.264 SPS, the
//! AAC AudioSpecificConfig, plus the AVCC → Annex-B and raw AAC → ADTS conversions.
//!
//! Every reader is bounds-checked: malformed input gives an [`HlsError`], never a panic.

use crate::hls::error::HlsError;

/// The AAC sampling frequencies, indexed by `sampling_frequency_index`.
pub const AAC_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

fn malformed(what: &'static str) -> HlsError {
    HlsError::Malformed(what)
}

/// The decoder configuration from an AVC sequence header tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvcConfig {
    /// Bytes in each NALU length prefix (1, 2 or 4).
    pub length_size: usize,
    /// Sequence parameter sets, without start codes.
    pub sps: Vec<Vec<u8>>,
    /// Picture parameter sets, without start codes.
    pub pps: Vec<Vec<u8>>,
}

/// A tiny cursor over a byte slice.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn u8(&mut self) -> Result<u8, HlsError> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or(malformed("AVC configuration record truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], HlsError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(malformed("AVC configuration record truncated"))?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or(malformed("AVC configuration record truncated"))?;
        self.pos = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, HlsError> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
}

impl AvcConfig {
    /// Parses an AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1).
    pub fn parse(data: &[u8]) -> Result<Self, HlsError> {
        let mut r = Bytes::new(data);
        let version = r.u8()?;
        if version != 1 {
            return Err(malformed("AVC configuration version is not 1"));
        }
        r.take(3)?; // profile, compatibility, level
        let length_size = usize::from(r.u8()? & 0x03) + 1;
        if length_size == 3 {
            return Err(malformed("AVC NALU length size 3 is not allowed"));
        }
        let num_sps = usize::from(r.u8()? & 0x1f);
        let mut sps = Vec::with_capacity(num_sps);
        for _ in 0..num_sps {
            let len = usize::from(r.u16()?);
            sps.push(r.take(len)?.to_vec());
        }
        let num_pps = usize::from(r.u8()?);
        let mut pps = Vec::with_capacity(num_pps);
        for _ in 0..num_pps {
            let len = usize::from(r.u16()?);
            pps.push(r.take(len)?.to_vec());
        }
        if sps.first().is_none_or(|s| s.is_empty()) {
            return Err(malformed("AVC configuration has no SPS"));
        }
        Ok(Self {
            length_size,
            sps,
            pps,
        })
    }
}

/// What the SPS tells about the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpsInfo {
    /// Pixels, after cropping.
    pub width: u32,
    /// Pixels, after cropping.
    pub height: u32,
    /// `time_scale / (2 × num_units_in_tick)` when the VUI has timing info.
    pub frame_rate: Option<f64>,
}

/// Reads bits most significant first, from an RBSP (emulation prevention bytes removed).
struct BitReader {
    data: Vec<u8>,
    bit: usize,
}

impl BitReader {
    fn bit(&mut self) -> Result<u32, HlsError> {
        let byte = self
            .data
            .get(self.bit / 8)
            .ok_or(malformed("SPS truncated"))?;
        let v = (byte >> (7 - (self.bit % 8))) & 1;
        self.bit += 1;
        Ok(u32::from(v))
    }

    fn bits(&mut self, n: u32) -> Result<u32, HlsError> {
        let mut v = 0u32;
        for _ in 0..n {
            v = (v << 1) | self.bit()?;
        }
        Ok(v)
    }

    fn flag(&mut self) -> Result<bool, HlsError> {
        Ok(self.bit()? == 1)
    }

    /// Exp-Golomb `ue(v)`, limited to 32-bit values.
    fn ue(&mut self) -> Result<u32, HlsError> {
        let mut zeros = 0u32;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return Err(malformed("SPS Exp-Golomb value too large"));
            }
        }
        let rest = self.bits(zeros)?;
        Ok(((1u64 << zeros) - 1 + u64::from(rest)) as u32)
    }

    /// Exp-Golomb `se(v)`.
    fn se(&mut self) -> Result<i64, HlsError> {
        let k = i64::from(self.ue()?);
        Ok(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) })
    }
}

/// Removes emulation prevention bytes (`00 00 03` → `00 00`).
fn unescape(nal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nal.len());
    let mut zeros = 0;
    for &b in nal {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

fn skip_scaling_list(r: &mut BitReader, size: usize) -> Result<(), HlsError> {
    let mut last = 8i64;
    let mut next = 8i64;
    for _ in 0..size {
        if next != 0 {
            next = (last + r.se()? + 256).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Ok(())
}

/// Parses the parts of an H.264 SPS NAL unit (header byte included) that give the picture
/// size and frame rate (ITU-T H.264 7.3.2.1.1 and E.1.1).
pub fn parse_sps(nal: &[u8]) -> Result<SpsInfo, HlsError> {
    let rbsp = unescape(nal);
    if rbsp.first().map(|b| b & 0x1f) != Some(7) {
        return Err(malformed("not an SPS NAL unit"));
    }
    let mut r = BitReader { data: rbsp, bit: 8 };
    let profile_idc = r.bits(8)?;
    r.bits(16)?; // constraint flags, level_idc
    r.ue()?; // seq_parameter_set_id
    let mut chroma_format_idc = 1;
    let mut separate_colour_plane = false;
    if matches!(
        profile_idc,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        chroma_format_idc = r.ue()?;
        if chroma_format_idc > 3 {
            return Err(malformed("SPS chroma_format_idc out of range"));
        }
        if chroma_format_idc == 3 {
            separate_colour_plane = r.flag()?;
        }
        r.ue()?; // bit_depth_luma_minus8
        r.ue()?; // bit_depth_chroma_minus8
        r.flag()?; // qpprime_y_zero_transform_bypass_flag
        if r.flag()? {
            let lists = if chroma_format_idc == 3 { 12 } else { 8 };
            for i in 0..lists {
                if r.flag()? {
                    skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    r.ue()?; // log2_max_frame_num_minus4
    match r.ue()? {
        0 => {
            r.ue()?; // log2_max_pic_order_cnt_lsb_minus4
        }
        1 => {
            r.flag()?; // delta_pic_order_always_zero_flag
            r.se()?; // offset_for_non_ref_pic
            r.se()?; // offset_for_top_to_bottom_field
            let n = r.ue()?;
            if n > 255 {
                return Err(malformed("SPS num_ref_frames_in_pic_order_cnt_cycle > 255"));
            }
            for _ in 0..n {
                r.se()?;
            }
        }
        2 => {}
        _ => return Err(malformed("SPS pic_order_cnt_type out of range")),
    }
    r.ue()?; // max_num_ref_frames
    r.flag()?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = u64::from(r.ue()?) + 1;
    let height_map_units = u64::from(r.ue()?) + 1;
    let frame_mbs_only = r.flag()?;
    if !frame_mbs_only {
        r.flag()?; // mb_adaptive_frame_field_flag
    }
    r.flag()?; // direct_8x8_inference_flag
    let (mut crop_l, mut crop_r, mut crop_t, mut crop_b) = (0u64, 0u64, 0u64, 0u64);
    if r.flag()? {
        crop_l = u64::from(r.ue()?);
        crop_r = u64::from(r.ue()?);
        crop_t = u64::from(r.ue()?);
        crop_b = u64::from(r.ue()?);
    }
    let chroma_array_type = if separate_colour_plane {
        0
    } else {
        chroma_format_idc
    };
    let (sub_w, sub_h) = match chroma_array_type {
        1 => (2, 2),
        2 => (2, 1),
        _ => (1, 1),
    };
    let field_factor = if frame_mbs_only { 1 } else { 2 };
    let (crop_unit_x, crop_unit_y) = if chroma_array_type == 0 {
        (1, field_factor)
    } else {
        (sub_w, sub_h * field_factor)
    };
    let full_w = width_mbs * 16;
    let full_h = height_map_units * 16 * field_factor;
    let width = full_w
        .checked_sub(crop_unit_x * (crop_l + crop_r))
        .ok_or(malformed("SPS cropping exceeds the picture"))?;
    let height = full_h
        .checked_sub(crop_unit_y * (crop_t + crop_b))
        .ok_or(malformed("SPS cropping exceeds the picture"))?;
    let mut frame_rate = None;
    if r.flag()? {
        // vui_parameters_present_flag
        if r.flag()? {
            // aspect_ratio_info_present_flag
            if r.bits(8)? == 255 {
                r.bits(32)?; // sar_width, sar_height
            }
        }
        if r.flag()? {
            r.flag()?; // overscan_appropriate_flag
        }
        if r.flag()? {
            // video_signal_type_present_flag
            r.bits(4)?; // video_format, video_full_range_flag
            if r.flag()? {
                r.bits(24)?; // colour primaries, transfer, matrix
            }
        }
        if r.flag()? {
            r.ue()?; // chroma_sample_loc_type_top_field
            r.ue()?; // chroma_sample_loc_type_bottom_field
        }
        if r.flag()? {
            let num_units_in_tick = r.bits(32)?;
            let time_scale = r.bits(32)?;
            if num_units_in_tick > 0 && time_scale > 0 {
                frame_rate = Some(f64::from(time_scale) / (2.0 * f64::from(num_units_in_tick)));
            }
        }
    }
    Ok(SpsInfo {
        width: u32::try_from(width).map_err(|_| malformed("SPS width too large"))?,
        height: u32::try_from(height).map_err(|_| malformed("SPS height too large"))?,
        frame_rate,
    })
}

/// The parts of an AAC AudioSpecificConfig that an ADTS header needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AacConfig {
    /// `audioObjectType` (2 = AAC LC).
    pub object_type: u8,
    /// `samplingFrequencyIndex` (0..=12).
    pub freq_index: u8,
    /// `channelConfiguration` (0..=7).
    pub channels: u8,
}

impl AacConfig {
    /// Parses an AudioSpecificConfig (ISO 14496-3 1.6.2.1), first two bytes and escapes.
    pub fn parse(data: &[u8]) -> Result<Self, HlsError> {
        let mut r = BitReader {
            data: data.to_vec(),
            bit: 0,
        };
        let truncated = |_| malformed("AudioSpecificConfig truncated");
        let mut object_type = r.bits(5).map_err(truncated)?;
        if object_type == 31 {
            object_type = 32 + r.bits(6).map_err(truncated)?;
        }
        let freq_index = r.bits(4).map_err(truncated)?;
        if freq_index as usize >= AAC_RATES.len() {
            return Err(malformed(
                "AudioSpecificConfig sampling frequency index not usable in ADTS",
            ));
        }
        let channels = r.bits(4).map_err(truncated)?;
        if object_type == 0 {
            return Err(malformed("AudioSpecificConfig object type 0"));
        }
        Ok(Self {
            object_type: u8::try_from(object_type).unwrap_or(u8::MAX),
            freq_index: freq_index as u8,
            channels: channels as u8,
        })
    }

    /// The sampling rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        AAC_RATES
            .get(usize::from(self.freq_index))
            .copied()
            .unwrap_or(0)
    }

    /// A 7-byte ADTS header (no CRC) for a raw frame of `payload_len` bytes.
    pub fn adts_header(&self, payload_len: usize) -> Result<[u8; 7], HlsError> {
        let frame_len = payload_len + 7;
        if frame_len > 0x1fff {
            return Err(malformed("AAC frame too large for ADTS"));
        }
        // ADTS has two bits of profile: object types 1..=4 map to 0..=3; anything else
        // (HE-AAC and later) is signalled as LC, which decoders accept with implicit SBR.
        let profile = if (1..=4).contains(&self.object_type) {
            self.object_type - 1
        } else {
            1
        };
        let len = frame_len as u16;
        Ok([
            0xff,
            0xf1,
            (profile << 6) | (self.freq_index << 2) | ((self.channels >> 2) & 1),
            ((self.channels & 3) << 6) | ((len >> 11) as u8 & 0x03),
            (len >> 3) as u8,
            (((len & 7) as u8) << 5) | 0x1f,
            0xfc,
        ])
    }
}

/// Splits AVCC length-prefixed NAL units.
pub fn split_avcc(data: &[u8], length_size: usize) -> Result<Vec<&[u8]>, HlsError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let end = pos
            .checked_add(length_size)
            .ok_or(malformed("NALU length truncated"))?;
        let prefix = data
            .get(pos..end)
            .ok_or(malformed("NALU length truncated"))?;
        let len = prefix
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let nal_end = end
            .checked_add(len)
            .ok_or(malformed("NALU longer than the tag"))?;
        let nal = data
            .get(end..nal_end)
            .ok_or(malformed("NALU longer than the tag"))?;
        if !nal.is_empty() {
            out.push(nal);
        }
        pos = nal_end;
    }
    Ok(out)
}

const START_CODE: [u8; 4] = [0, 0, 0, 1];
/// An access unit delimiter NAL unit (primary_pic_type 7: any slice type).
const AUD: [u8; 2] = [0x09, 0xf0];

/// Converts one AVCC access unit to Annex-B: an AUD first, then SPS/PPS from `config`
/// before a keyframe (unless the access unit carries its own), then the NAL units. AUDs in
/// the input are dropped (one is written first).
pub fn to_annex_b(
    data: &[u8],
    config: &AvcConfig,
    keyframe: bool,
    out: &mut Vec<u8>,
) -> Result<(), HlsError> {
    let nals = split_avcc(data, config.length_size)?;
    out.extend_from_slice(&START_CODE);
    out.extend_from_slice(&AUD);
    let has_idr = nals.iter().any(|n| n.first().map(|b| b & 0x1f) == Some(5));
    let has_sps = nals.iter().any(|n| n.first().map(|b| b & 0x1f) == Some(7));
    if (keyframe || has_idr) && !has_sps {
        for ps in config.sps.iter().chain(config.pps.iter()) {
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(ps);
        }
    }
    for nal in nals {
        if nal.first().map(|b| b & 0x1f) == Some(9) {
            continue;
        }
        out.extend_from_slice(&START_CODE);
        out.extend_from_slice(nal);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sequence header tag body (after the 5-byte FLV video header) of an ffmpeg 5.1
    /// libx264 encode of `testsrc=size=320x240:rate=25`.
    const X264_320X240_25: &str = "0164000dffe100196764000dacd94141fb011000000300100000030320f142996001000668ebe3cb22c0fdf8f800";
    /// The same for `testsrc=size=320x180:rate=30` (needs cropping: 12 MB rows).
    const X264_320X180_30: &str = "0164000dffe1001a6764000dacd941419f9f0110000003001000000303c0f142996001000668ebe3cb22c0fdf8f800";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn sps_of_x264_streams() {
        let c = AvcConfig::parse(&hex(X264_320X240_25)).unwrap();
        assert_eq!(c.length_size, 4);
        assert_eq!((c.sps.len(), c.pps.len()), (1, 1));
        let info = parse_sps(&c.sps[0]).unwrap();
        assert_eq!((info.width, info.height), (320, 240));
        assert_eq!(info.frame_rate, Some(25.0));

        let c = AvcConfig::parse(&hex(X264_320X180_30)).unwrap();
        let info = parse_sps(&c.sps[0]).unwrap();
        assert_eq!((info.width, info.height), (320, 180));
        assert_eq!(info.frame_rate, Some(30.0));
    }

    #[test]
    fn sps_without_vui_has_no_frame_rate() {
        // Baseline profile 66, 176x144 (11x9 MBs), no cropping, no VUI; built by hand:
        // profile 66, flags 0, level 30, then ue fields:
        // sps_id=0 '1', log2_max_frame_num-4=0 '1', poc_type=2 '011', max_ref=1 '010',
        // gaps=0 '0', w_mbs-1=10 '0001011', h_mbs-1=8 '0001001', frame_mbs_only '1',
        // direct8x8 '1', cropping '0', vui '0', stop bit '1'.
        let bits = "1101101000001011000100111001";
        let mut bytes = vec![0x67, 66, 0, 30];
        let mut padded = bits.to_string();
        while padded.len() % 8 != 0 {
            padded.push('0');
        }
        for i in (0..padded.len()).step_by(8) {
            bytes.push(u8::from_str_radix(&padded[i..i + 8], 2).unwrap());
        }
        let info = parse_sps(&bytes).unwrap();
        assert_eq!((info.width, info.height, info.frame_rate), (176, 144, None));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let full = hex(X264_320X240_25);
        for n in 0..full.len() {
            let _ = AvcConfig::parse(&full[..n]);
        }
        assert!(AvcConfig::parse(&full[..10]).is_err());
        let sps = AvcConfig::parse(&full).unwrap().sps[0].clone();
        for n in 0..sps.len() {
            let _ = parse_sps(&sps[..n]);
        }
        assert!(parse_sps(&sps[..6]).is_err());
        assert!(parse_sps(&[0x67, 0x64]).is_err());
        assert!(parse_sps(&[]).is_err());
        assert!(AacConfig::parse(&[0x12]).is_err());
        assert!(AacConfig::parse(&[]).is_err());
        assert!(split_avcc(&[0, 0, 0, 5, 1, 2], 4).is_err());
        assert!(split_avcc(&[0, 0], 4).is_err());
        assert!(split_avcc(&[0xff, 0xff, 0xff, 0xff], 4).is_err());
    }

    #[test]
    fn aac_config_and_adts() {
        let c = AacConfig::parse(&[0x12, 0x08, 0x56, 0xe5, 0x00]).unwrap();
        assert_eq!(
            c,
            AacConfig {
                object_type: 2,
                freq_index: 4,
                channels: 1
            }
        );
        assert_eq!(c.sample_rate(), 44100);
        let h = c.adts_header(100).unwrap();
        // 0xFFF sync, MPEG-4, no CRC; LC (1), index 4, mono; frame length 107.
        assert_eq!(h, [0xff, 0xf1, 0x50, 0x40, 0x0d, 0x7f, 0xfc]);
        assert!(c.adts_header(0x2000).is_err());
        let stereo48 = AacConfig::parse(&[0x11, 0x90]).unwrap();
        assert_eq!((stereo48.sample_rate(), stereo48.channels), (48000, 2));
    }

    #[test]
    fn annex_b_conversion() {
        let c = AvcConfig::parse(&hex(X264_320X240_25)).unwrap();
        // An AUD (dropped), an IDR slice of 3 bytes.
        let avcc = [0, 0, 0, 2, 0x09, 0xf0, 0, 0, 0, 3, 0x65, 0xaa, 0xbb];
        let mut out = Vec::new();
        to_annex_b(&avcc, &c, true, &mut out).unwrap();
        let mut want = vec![0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1];
        want.extend_from_slice(&c.sps[0]);
        want.extend_from_slice(&[0, 0, 0, 1]);
        want.extend_from_slice(&c.pps[0]);
        want.extend_from_slice(&[0, 0, 0, 1, 0x65, 0xaa, 0xbb]);
        assert_eq!(out, want);
        out.clear();
        to_annex_b(&[0, 0, 0, 2, 0x41, 0x01], &c, false, &mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x41, 0x01]);
    }
}
