"""{% cache_empty_form %}: an empty form is rendered once per template, language and values."""

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from accounts.models import Organisation

SOURCE = (
    "{% load form_cache %}{% cache_empty_form form 60 edition %}"
    "{{ marker }}{% endcache_empty_form %}"
)


class NameForm(forms.Form):
    name = forms.CharField()


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name_en"]


def render(form, marker, *, edition="2026", cached=True, language="en") -> str:
    context = {"form": form, "marker": marker, "edition": edition}
    if cached:
        context["cache_empty_form"] = True
    with translation.override(language):
        return Template(SOURCE, name="submissions/nomination_form.html").render(Context(context))


def test_an_empty_form_is_rendered_once_and_then_read_from_the_cache():
    assert render(NameForm(), "first") == "first"
    assert render(NameForm(), "second") == "first"


def test_each_language_and_each_vary_value_has_its_own_copy():
    render(NameForm(), "english 2026")

    assert render(NameForm(), "中文 2026", language="zh-hans") == "中文 2026"
    assert render(NameForm(), "english 2027", edition="2027") == "english 2027"
    assert render(NameForm(), "again", language="zh-hans") == "中文 2026"


def test_a_bound_form_is_rendered_every_time():
    render(NameForm(), "empty")

    assert render(NameForm(data={"name": "x"}), "bound") == "bound"


@pytest.mark.django_db
def test_a_form_of_an_existing_row_is_rendered_every_time():
    organisation = Organisation.objects.create(name_zh="某研究院", name_en="An institute")
    render(OrganisationForm(), "new row")

    assert render(OrganisationForm(instance=organisation), "existing row") == "existing row"


def test_without_the_view_s_consent_nothing_is_cached():
    assert render(NameForm(), "personal", cached=False) == "personal"
    assert render(NameForm(), "fresh") == "fresh"
    assert render(NameForm(), "personal again", cached=False) == "personal again"


def test_the_cached_copy_stays_escaped():
    assert render(NameForm(), "<b>bold</b>") == "&lt;b&gt;bold&lt;/b&gt;"
    assert render(NameForm(), "other") == "&lt;b&gt;bold&lt;/b&gt;"


def test_a_form_and_seconds_are_required():
    with pytest.raises(TemplateSyntaxError, match="takes a form, a number of seconds"):
        Template("{% load form_cache %}{% cache_empty_form form %}{% endcache_empty_form %}")
