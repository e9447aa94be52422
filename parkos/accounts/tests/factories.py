import factory

from parkos.accounts.choices import Role
from parkos.accounts.models import User

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.INVESTMENT_OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def parks(self, create, extracted, **kwargs):
        if create:
            self.save()
        if create and extracted:
            self.parks.set(extracted)
