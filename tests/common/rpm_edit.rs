//! Rewrites an RPM's signature header for tests: entries added, removed or replaced, laid out as
//! rpm writes them (region entry first, entries in tag order, the region trailer last), with
//! RESERVEDSPACE shrunk or grown so that the header keeps its size when it has one.
#![allow(dead_code)]

/// One signature header entry: tag, type, count, data.
pub type SigEntry = (u32, u32, u32, Vec<u8>);

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

fn data_len(ty: u32, count: u32, data: &[u8]) -> usize {
    match ty {
        6 | 8 | 9 => {
            let n = if ty == 6 { 1 } else { count as usize };
            let mut pos = 0;
            for _ in 0..n {
                pos += data[pos..].iter().position(|&b| b == 0).unwrap() + 1;
            }
            pos
        }
        3 => 2 * count as usize,
        4 => 4 * count as usize,
        5 => 8 * count as usize,
        _ => count as usize,
    }
}

fn align(ty: u32) -> usize {
    match ty {
        3 => 2,
        4 => 4,
        5 => 8,
        _ => 1,
    }
}

/// The entries (region entry excluded) of the header at `at`, and where the header ends.
fn header_entries(pkg: &[u8], at: usize) -> (Vec<SigEntry>, usize) {
    let il = be32(pkg, at + 8) as usize;
    let dl = be32(pkg, at + 12) as usize;
    let store = at + 16 + 16 * il;
    let mut out = Vec::new();
    for i in 1..il {
        let e = at + 16 + 16 * i;
        let (tag, ty, off, count) = (
            be32(pkg, e),
            be32(pkg, e + 4),
            be32(pkg, e + 8) as usize,
            be32(pkg, e + 12),
        );
        let rest = &pkg[store + off..store + dl];
        let len = data_len(ty, count, rest);
        out.push((tag, ty, count, rest[..len].to_vec()));
    }
    (out, store + dl)
}

/// The signature header's entries (region entry excluded) and where the main header starts.
pub fn signature_entries(pkg: &[u8]) -> (Vec<SigEntry>, usize) {
    let (entries, end) = header_entries(pkg, 96);
    (entries, end + (8 - (end - 96) % 8) % 8)
}

/// The package with its signature header rebuilt from `edit`ed entries.
pub fn rebuild_signature(pkg: &[u8], edit: impl FnOnce(&mut Vec<SigEntry>)) -> Vec<u8> {
    let old_il = be32(pkg, 104) as usize;
    let old_dl = be32(pkg, 108) as usize;
    let old_total = 16 * old_il + old_dl;
    let (mut entries, main) = signature_entries(pkg);
    edit(&mut entries);
    entries.sort_by_key(|e| e.0);
    let layout = |entries: &[SigEntry]| {
        let mut store = Vec::new();
        let mut index = Vec::new();
        for (tag, ty, count, data) in entries {
            while !store.len().is_multiple_of(align(*ty)) {
                store.push(0);
            }
            index.push((*tag, *ty, store.len() as u32, *count));
            store.extend_from_slice(data);
        }
        (index, store)
    };
    // Keep the header's size by resizing RESERVEDSPACE (1008), as rpmsign does.
    if let Some(pos) = entries.iter().position(|e| e.0 == 1008) {
        let (_, store) = layout(&entries);
        let il = entries.len() + 1;
        let now = 16 * il + store.len() + 16;
        let reserved = entries[pos].3.len() as i64 + old_total as i64 - now as i64;
        if reserved > 0 {
            entries[pos].2 = reserved as u32;
            entries[pos].3 = vec![0; reserved as usize];
        }
    }
    let (index, mut store) = layout(&entries);
    let il = index.len() + 1;
    let trailer_at = store.len() as u32;
    for x in [62u32, 7, (-(il as i32 * 16)) as u32, 16] {
        store.extend_from_slice(&x.to_be_bytes());
    }
    let mut out = pkg[..96].to_vec();
    out.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    out.extend_from_slice(&(il as u32).to_be_bytes());
    out.extend_from_slice(&(store.len() as u32).to_be_bytes());
    for (tag, ty, off, count) in std::iter::once((62u32, 7u32, trailer_at, 16u32)).chain(index) {
        for x in [tag, ty, off, count] {
            out.extend_from_slice(&x.to_be_bytes());
        }
    }
    out.extend_from_slice(&store);
    while !(out.len() - 96).is_multiple_of(8) {
        out.push(0);
    }
    out.extend_from_slice(&pkg[main..]);
    out
}

/// Where the main header lies in a package (from its magic to the end of its store).
pub fn main_header(pkg: &[u8]) -> std::ops::Range<usize> {
    let (_, main) = signature_entries(pkg);
    let (il, dl) = (be32(pkg, main + 8) as usize, be32(pkg, main + 12) as usize);
    main..main + 16 + 16 * il + dl
}

/// The package with its main header rebuilt from `edit`ed entries (region entry excluded), laid
/// out in the order given (the region covers them all, its trailer last). The header's digests
/// in the signature header are left as they were.
pub fn rebuild_main(pkg: &[u8], edit: impl FnOnce(&mut Vec<SigEntry>)) -> Vec<u8> {
    let range = main_header(pkg);
    let main = range.start;
    let (mut entries, _) = header_entries(pkg, main);
    edit(&mut entries);
    let mut data = Vec::new();
    let mut index = Vec::new();
    for (tag, ty, count, bytes) in &entries {
        while !data.len().is_multiple_of(align(*ty)) {
            data.push(0);
        }
        index.push((*tag, *ty, data.len() as u32, *count));
        data.extend_from_slice(bytes);
    }
    let il = index.len() + 1;
    let trailer_at = data.len() as u32;
    for x in [63u32, 7, (-(il as i32 * 16)) as u32, 16] {
        data.extend_from_slice(&x.to_be_bytes());
    }
    let mut out = pkg[..main].to_vec();
    out.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    out.extend_from_slice(&(il as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    for (tag, ty, off, count) in std::iter::once((63u32, 7u32, trailer_at, 16u32)).chain(index) {
        for x in [tag, ty, off, count] {
            out.extend_from_slice(&x.to_be_bytes());
        }
    }
    out.extend_from_slice(&data);
    out.extend_from_slice(&pkg[range.end..]);
    out
}
