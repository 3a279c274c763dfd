"""What the audit log and logs may show of personal data."""

from __future__ import annotations

from gateway.masking import mask_params


class TestMaskParams:
    def test_personal_fields_are_masked(self) -> None:
        masked = mask_params(
            {
                "name": "张三丰",
                "id_number": "110105199001011237",
                "phone": "13812345678",
                "password": "hunter2",
                "otp_code": "123456",
                "code": "MZ001",
            }
        )
        assert masked == {
            "name": "张**",
            "id_number": "110***********1237",
            "phone": "138****5678",
            "password": "***",
            "otp_code": "***",
            "code": "MZ001",
        }

    def test_numbers_inside_free_text_are_masked(self) -> None:
        masked = mask_params({"note": "请联系13812345678，证件110105199001011237", "n": 3})
        assert masked == {"note": "请联系138****5678，证件110***********1237", "n": 3}

    def test_nested_values(self) -> None:
        masked = mask_params({"applicant": {"phone": "13812345678"}, "list": ["13912345678"]})
        assert masked == {"applicant": {"phone": "138****5678"}, "list": ["139****5678"]}
