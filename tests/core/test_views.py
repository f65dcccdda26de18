from django.templatetags.static import static


def test_favicon_ico_leads_to_the_portal_mark(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (301, static("img/wnevc-mark.svg"))
    assert response["Location"].endswith(".svg")
