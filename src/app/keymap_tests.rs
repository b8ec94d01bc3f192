use super::*;

#[test]
fn shipped_keymaps_parse() {
    let d = Keymap::parse("default.toml", DEFAULT_KEYMAP).unwrap();
    assert_eq!(
        d.lookup(Mode::Normal, &[Chord::parse("q").unwrap()]),
        Lookup::Command(Command::Quit)
    );
    let v = Keymap::parse("vim.toml", VIM_KEYMAP).unwrap();
    let g = Chord::parse("g").unwrap();
    assert_eq!(v.lookup(Mode::Normal, &[g]), Lookup::Pending);
    assert_eq!(
        v.lookup(Mode::Normal, &[g, g]),
        Lookup::Command(Command::Top)
    );
}

#[test]
fn user_file_overrides_single_bindings() {
    let mut km = Keymap::parse("default.toml", DEFAULT_KEYMAP).unwrap();
    km.merge(
        "mine.toml",
        "[normal]\n\"x\" = \"approve\"\n\"a\" = \"help\"\n",
    )
    .unwrap();
    assert_eq!(
        km.lookup(Mode::Normal, &[Chord::parse("x").unwrap()]),
        Lookup::Command(Command::Approve)
    );
    assert_eq!(
        km.lookup(Mode::Normal, &[Chord::parse("a").unwrap()]),
        Lookup::Command(Command::Help)
    );
    assert_eq!(
        km.lookup(Mode::Normal, &[Chord::parse("q").unwrap()]),
        Lookup::Command(Command::Quit)
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let e = Keymap::parse(
        "k.toml",
        "[normal]\n\"q\" = \"quit\"\n\"z\" = \"explode\"\n",
    )
    .unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (3, "normal.\"z\""));
    assert!(e.message.contains("unknown command `explode`"));
    let e = Keymap::parse("k.toml", "[normal]\n\"ctrl-\" = \"quit\"\n").unwrap_err();
    assert_eq!(e.line, 2);
    let e = Keymap::parse("k.toml", "[visual]\n").unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (1, "visual"));
    let e = Keymap::parse("k.toml", "[normal]\nq = \n").unwrap_err();
    assert_eq!(e.line, 2);
}

#[test]
fn overlay_keys_are_in_their_own_tables_and_rebindable() {
    for (file, text) in [("default.toml", DEFAULT_KEYMAP), ("vim.toml", VIM_KEYMAP)] {
        let km = Keymap::parse(file, text).unwrap();
        let key = |mode, k: &str| km.lookup(mode, &[Chord::parse(k).unwrap()]);
        assert_eq!(
            key(Mode::Close, "r"),
            Lookup::Command(Command::RequestClose)
        );
        assert_eq!(
            key(Mode::Close, "o"),
            Lookup::Command(Command::ObjectToClose)
        );
        assert_eq!(
            key(Mode::Close, "w"),
            Lookup::Command(Command::WithdrawObjection)
        );
        assert_eq!(
            key(Mode::Close, "c"),
            Lookup::Command(Command::ConfirmClose)
        );
        assert_eq!(
            key(Mode::Checklists, "n"),
            Lookup::Command(Command::TickWithNote)
        );
        assert_eq!(key(Mode::Checklists, "u"), Lookup::Command(Command::Untick));
        assert_eq!(key(Mode::Sync, "r"), Lookup::Command(Command::RetryRow));
        assert_eq!(key(Mode::Sync, "x"), Lookup::Command(Command::DropRow));
    }
    let mut km = Keymap::parse("default.toml", DEFAULT_KEYMAP).unwrap();
    km.merge("mine.toml", "[sync]\n\"R\" = \"retry_row\"\n")
        .unwrap();
    assert_eq!(
        km.lookup(Mode::Sync, &[Chord::parse("R").unwrap()]),
        Lookup::Command(Command::RetryRow)
    );
    let e = Keymap::parse("k.toml", "[close]\n\"a\" = \"approve\"\n").unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (2, "close.\"a\""));
    assert!(e.message.contains("bound in [normal] or [insert]"), "{e}");
    let e = Keymap::parse("k.toml", "[normal]\n\n\"r\" = \"drop_row\"\n").unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (3, "normal.\"r\""));
    assert!(e.message.contains("bound in [sync]"), "{e}");
}

#[test]
fn chords_round_trip() {
    for s in [
        "a",
        "G",
        "ctrl-c",
        "alt-enter",
        "pagedown",
        "f1",
        "space",
        "?",
        "backtab",
    ] {
        assert_eq!(Chord::parse(s).unwrap().to_string(), s);
    }
}
