"""GB 11643 resident ID numbers: format, birth date and check digit."""

from __future__ import annotations

import pytest

from channels.identity.id_numbers import check_digit, is_valid_id_number, normalize_id_number
from gateway.errors import GovError

VALID = ["11010519491231002X", "44052419850101001X", "110101199003074477"]


class TestCheckDigit:
    @pytest.mark.parametrize("number", VALID)
    def test_published_examples_pass(self, number: str) -> None:
        assert is_valid_id_number(number)
        assert check_digit(number[:17]) == number[17]

    @pytest.mark.parametrize("number", VALID)
    def test_every_other_last_character_fails(self, number: str) -> None:
        for last in "0123456789X":
            if last != number[17]:
                assert not is_valid_id_number(number[:17] + last)

    def test_a_lower_case_x_is_normalized(self) -> None:
        assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


class TestShape:
    @pytest.mark.parametrize(
        "number",
        [
            "1101051949123100",  # too short
            "010105194912310026",  # region cannot start with 0
            "110105194913310021",  # month 13
            "110105194902300020",  # 30 February
            "110105219912310028",  # born in the future
            "11010519491231002A",
        ],
    )
    def test_numbers_with_a_right_check_digit_but_a_wrong_shape_are_refused(
        self, number: str
    ) -> None:
        with pytest.raises(GovError) as caught:
            normalize_id_number(number)
        assert caught.value.code == "ID_NUMBER_INVALID"
