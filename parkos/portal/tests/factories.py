import datetime

import factory
from django.utils import timezone

from parkos.portal.choices import ArticleCategory, ArticleStatus
from parkos.portal.models import Article
from parkos.portal.rendering import render_markdown


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"园区新闻{n}")
    summary = "园区动态摘要"
    body = "## 小标题\n\n正文内容。"
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    category = ArticleCategory.NEWS
    status = ArticleStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    @factory.post_generation
    def parks(self, create, extracted, **kwargs):
        if create and extracted:
            self.parks.set(extracted)
