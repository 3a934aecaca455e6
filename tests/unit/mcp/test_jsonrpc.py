from server.mcp import jsonrpc


def test_a_request_has_an_id_a_method_and_params():
    message = jsonrpc.parse_message({"jsonrpc": "2.0", "id": 7, "method": "ping"})
    assert message == jsonrpc.Request(7, "ping", {})


def test_a_message_without_id_is_a_notification():
    message = jsonrpc.parse_message(
        {"jsonrpc": "2.0", "method": "notifications/initialized", "params": {"a": 1}}
    )
    assert message == jsonrpc.Notification("notifications/initialized", {"a": 1})


def test_a_result_or_error_with_an_id_is_a_response():
    assert jsonrpc.parse_message({"jsonrpc": "2.0", "id": "s-1", "result": {}}) == (
        jsonrpc.Response("s-1", {}, None)
    )
    error = {"code": -1, "message": "no"}
    assert jsonrpc.parse_message({"jsonrpc": "2.0", "id": 3, "error": error}) == (
        jsonrpc.Response(3, None, error)
    )


def test_null_and_boolean_ids_are_invalid_requests():
    assert isinstance(
        jsonrpc.parse_message({"jsonrpc": "2.0", "id": None, "method": "ping"}), jsonrpc.Invalid
    )
    assert isinstance(
        jsonrpc.parse_message({"jsonrpc": "2.0", "id": True, "method": "ping"}), jsonrpc.Invalid
    )


def test_the_jsonrpc_version_must_be_two_point_oh():
    message = jsonrpc.parse_message({"jsonrpc": "1.0", "id": 1, "method": "ping"})
    assert message == jsonrpc.Invalid(1, 'jsonrpc must be "2.0"')


def test_params_must_be_an_object():
    message = jsonrpc.parse_message({"jsonrpc": "2.0", "id": 1, "method": "x", "params": [1]})
    assert isinstance(message, jsonrpc.Invalid) and message.id == 1


def test_non_objects_and_shapeless_objects_are_invalid():
    assert isinstance(jsonrpc.parse_message(42), jsonrpc.Invalid)
    assert isinstance(jsonrpc.parse_message({"jsonrpc": "2.0", "id": 1}), jsonrpc.Invalid)
    both = {"jsonrpc": "2.0", "id": 1, "result": {}, "error": {"code": 1, "message": "x"}}
    assert isinstance(jsonrpc.parse_message(both), jsonrpc.Invalid)


def test_a_body_that_is_not_json_is_a_parse_error():
    try:
        jsonrpc.decode_json(b"{not json")
    except jsonrpc.JsonRpcError as error:
        assert error.code == jsonrpc.PARSE_ERROR
    else:
        raise AssertionError("expected a parse error")


def test_messages_encode_compactly_and_keep_chinese_readable():
    encoded = jsonrpc.encode(jsonrpc.result_message(1, {"text": "你好"}))
    assert encoded == '{"jsonrpc":"2.0","id":1,"result":{"text":"你好"}}'.encode()


def test_error_messages_carry_code_message_and_optional_data():
    error = jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "bad", {"field": "x"})
    assert jsonrpc.error_message(None, error) == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32602, "message": "bad", "data": {"field": "x"}},
    }
