#[test]
fn dbg() {
    let mut s = ctop::collect::cgroups::CgroupSampler::new(ctop::source::Source::live());
    for _ in 0..4 {
        let t = std::time::Instant::now();
        let n = s.collect().list.len();
        eprintln!("{n} {:?}", t.elapsed());
    }
}
