//! Any bytes to the frame decoder: a frame or an error, never a panic; a decoded frame
//! encodes and decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quid_shared::ClientFrame;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = serde_json::from_slice::<ClientFrame>(data) {
        let again = serde_json::to_vec(&frame).expect("a decoded frame encodes");
        let back: ClientFrame = serde_json::from_slice(&again).expect("and decodes again");
        assert_eq!(back, frame);
    }
});
