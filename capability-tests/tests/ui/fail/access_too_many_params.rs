use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    voice { outgoing "AP0123456789abcdef0123456789abcdef" { P0 = "v", P1 = "v", P2 = "v", P3 = "v", P4 = "v", P5 = "v", P6 = "v", P7 = "v", P8 = "v", P9 = "v", P10 = "v", P11 = "v", P12 = "v", P13 = "v", P14 = "v", P15 = "v", P16 = "v", P17 = "v", P18 = "v", P19 = "v", P20 = "v", P21 = "v", P22 = "v", P23 = "v", P24 = "v", P25 = "v", P26 = "v", P27 = "v", P28 = "v", P29 = "v", P30 = "v", P31 = "v", P32 = "v", P33 = "v", P34 = "v", P35 = "v", P36 = "v", P37 = "v", P38 = "v", P39 = "v", P40 = "v", P41 = "v", P42 = "v", P43 = "v", P44 = "v", P45 = "v", P46 = "v", P47 = "v", P48 = "v", P49 = "v", P50 = "v", P51 = "v", P52 = "v", P53 = "v", P54 = "v", P55 = "v", P56 = "v", P57 = "v", P58 = "v", P59 = "v", P60 = "v", P61 = "v", P62 = "v", P63 = "v", P64 = "v" } };
};

fn main() {}
