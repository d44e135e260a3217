"""The API shows how each pay amount was computed: the branch that set it, with its numbers."""

from tests.e2e.test_api_v1 import make_api, use_request

BASIS = (
    "bargained: 216.00 per day x 2 (floor 432.00: 2 x max(daily rate 216.00, day minimum 216.00))"
)
RULE = (
    "sag-aftra-tv-theatrical-2023 §6 pay = max(bargained, floor): bargained,"
    " the consent's compensation"
)


def test_a_recorded_use_its_decision_and_its_pay_lines_name_the_bargain(container):
    api = make_api(container)
    response = api.post(
        "producer", "/v1/uses", use_request("Q77", days=2), headers={"Idempotency-Key": "pb-1"}
    )
    assert response.status_code == 201, response.text
    use = response.json()
    (pay,) = [o for o in use["decision"]["obligations"] if o["kind"] == "pay"]
    assert (pay["amount"], pay["basis"], pay["rule"]) == ("432.00", BASIS, RULE)
    (line,) = [p for p in use["pay_lines"] if p["kind"] == "pay"]
    assert (line["basis"], line["rule"]) == (BASIS, RULE)
    shown = api.get("union", f"/v1/pay-lines/{line['id']}").json()
    assert (shown["basis"], shown["rule"]) == (BASIS, RULE)
    decided = api.post("producer", "/v1/decisions", use_request("Q78", days=2)).json()
    (pay,) = [o for o in decided["obligations"] if o["kind"] == "pay"]
    assert (pay["basis"], pay["rule"]) == (BASIS, RULE)
