from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import UpdateView

from accounts.forms import AuthorProfileForm
from accounts.models import AuthorProfile


class ProfileUpdateView(LoginRequiredMixin, UpdateView):
    """The signed-in user edits their own author profile (made on first visit).

    A new avatar's small rendition is made by the profile's post-save signal.
    """

    form_class = AuthorProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        profile, _created = AuthorProfile.objects.get_or_create(user=self.request.user)
        return profile

    def form_valid(self, form):
        messages.success(self.request, _("Your profile has been saved."))
        return super().form_valid(form)
