from django import forms

from api.models import ApiToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name", "read_only")
        help_texts = {"name": "What it is for, like “weekly report script”."}
