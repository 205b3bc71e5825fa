//! Broadcast, barrage and custom command delivery.

use std::ptr;

use crate::harness::*;
use zego_express::ffi::*;

#[test]
fn broadcast_barrage_and_custom_commands_reach_the_right_users() {
    let server = Server::start();
    let a = Client::new(&server, "msgA");
    let b = Client::new(&server, "msgB");
    let c = Client::new(&server, "msgC");
    for x in [&a, &b, &c] {
        x.login("chat");
    }
    let mut seq = 0;
    assert_eq!(zego_send_broadcast_message(a.engine, cs("chat").as_ptr(), cs("hello room").as_ptr(), &mut seq), 0);
    let Ev::BroadcastResult { code: 0, id, seq: result_seq, .. } = a.wait(|e| matches!(e, Ev::BroadcastResult { .. }))
    else {
        panic!("{:#?}", a.events())
    };
    assert_eq!(result_seq, seq);
    for x in [&b, &c] {
        let got = x.wait(|e| matches!(e, Ev::Broadcast { .. }));
        assert_eq!(
            got,
            Ev::Broadcast { room: "chat".into(), messages: vec![("hello room".into(), id, "msgA".into())] }
        );
    }
    assert!(
        !a.events().iter().any(|e| matches!(e, Ev::Broadcast { .. })),
        "the sender does not receive its own broadcast"
    );

    assert_eq!(zego_send_barrage_message(b.engine, cs("chat").as_ptr(), cs("bullet").as_ptr(), &mut seq), 0);
    b.wait(|e| matches!(e, Ev::BarrageResult { code: 0, .. }));
    a.wait(|e| matches!(e, Ev::Barrage { messages, .. } if messages[0].0 == "bullet" && messages[0].2 == "msgB"));

    let target = cs("msgB");
    let to = [zego_user { user_id: target.as_ptr(), user_name: ptr::null() }];
    assert_eq!(
        zego_send_custom_command(a.engine, cs("chat").as_ptr(), cs("just for B").as_ptr(), to.as_ptr(), 1, &mut seq),
        0
    );
    a.wait(|e| matches!(e, Ev::CommandResult { code: 0, .. }));
    assert_eq!(
        b.wait(|e| matches!(e, Ev::Command { .. })),
        Ev::Command { room: "chat".into(), from: "msgA".into(), command: "just for B".into() }
    );
    // A later broadcast reaches C after the command would have: C got no command.
    assert_eq!(zego_send_broadcast_message(a.engine, cs("chat").as_ptr(), cs("second").as_ptr(), &mut seq), 0);
    c.wait(|e| matches!(e, Ev::Broadcast { messages, .. } if messages[0].0 == "second"));
    assert!(!c.events().iter().any(|e| matches!(e, Ev::Command { .. })), "{:#?}", c.events());

    assert_eq!(
        zego_send_custom_command(a.engine, cs("chat").as_ptr(), cs("x").as_ptr(), ptr::null(), 0, &mut seq),
        1009011
    );
    assert_eq!(
        zego_send_broadcast_message(a.engine, cs("chat").as_ptr(), cs(&"m".repeat(1025)).as_ptr(), &mut seq),
        1009002
    );
    assert_eq!(zego_send_broadcast_message(a.engine, cs("chat").as_ptr(), ptr::null(), &mut seq), 1009001);
    assert_eq!(zego_send_broadcast_message(a.engine, cs("elsewhere").as_ptr(), cs("x").as_ptr(), &mut seq), 1002002);
}
