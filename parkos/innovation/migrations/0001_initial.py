"""Adopt the projects, products and milestones that statistics created, without touching the tables.

Until this change these four models lived in `park_statistics`; its migration 0005 took them out
of statistics' state, and this one tells Django that innovation owns them now (state only: the rows
stay where they are, ids and all). 0002 renames the tables.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('enterprises', '0002_search_indexes'),
        ('parks', '0001_initial'),
        ('park_statistics', '0005_move_projects_products_milestones_to_innovation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Project',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('name', models.CharField(max_length=200, verbose_name='项目名称')),
                        ('kind', models.CharField(choices=[('industrial', '工业项目'), ('infrastructure', '基础设施'), ('service', '配套服务')], default='industrial', max_length=16, verbose_name='项目类型')),
                        ('planned_investment', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='计划总投资（元）')),
                        ('started_on', models.DateField(blank=True, null=True, verbose_name='开工日期')),
                        ('completed_on', models.DateField(blank=True, null=True, verbose_name='建成投用日期')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='enterprises.enterprise', verbose_name='建设单位')),
                        ('park', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='parks.park', verbose_name='园区')),
                    ],
                    options={
                        'db_table': 'park_statistics_project',
                        'verbose_name': '建设项目',
                        'verbose_name_plural': '建设项目',
                        'ordering': ['park_id', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年份')),
                        ('month', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='月份')),
                        ('investment', models.DecimalField(decimal_places=2, max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='当月完成投资（元）')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='innovation.project', verbose_name='项目')),
                    ],
                    options={
                        'db_table': 'park_statistics_projectprogress',
                        'verbose_name': '项目投资进度',
                        'verbose_name_plural': '项目投资进度',
                        'ordering': ['project_id', 'year', 'month'],
                    },
                ),
                migrations.CreateModel(
                    name='Product',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('name', models.CharField(max_length=200, verbose_name='产品名称')),
                        ('kind', models.CharField(choices=[('drug', '药品'), ('device', '医疗器械')], max_length=8, verbose_name='产品类型')),
                        ('is_key', models.BooleanField(default=True, verbose_name='重点产品')),
                        ('indication', models.CharField(blank=True, max_length=200, verbose_name='适应症/预期用途')),
                        ('drug_category', models.CharField(blank=True, choices=[('1', '1类：创新药'), ('2.1', '2.1类：改良型新药（异构体、酯、盐、络合物等）'), ('2.2', '2.2类：改良型新药（新剂型、新给药系统、新处方工艺、新给药途径）'), ('2.3', '2.3类：改良型新药（新复方制剂）'), ('2.4', '2.4类：改良型新药（新适应症）'), ('3', '3类：仿制境外已上市、境内未上市原研药'), ('4', '4类：仿制境内已上市原研药'), ('5.1', '5.1类：境外上市的原研药申请境内上市'), ('5.2', '5.2类：境外上市的非原研药申请境内上市')], max_length=4, verbose_name='药品注册分类')),
                        ('stage', models.CharField(blank=True, choices=[('preclinical', '临床前'), ('ind_filed', 'IND已申报'), ('ind_approved', 'IND已获批'), ('phase1', '一期临床'), ('phase2', '二期临床'), ('phase3', '三期临床'), ('nda_filed', '上市申请'), ('approved', '已获批'), ('phase4', '四期')], max_length=16, verbose_name='研发阶段')),
                        ('stage_since', models.DateField(blank=True, null=True, verbose_name='进入该阶段日期')),
                        ('device_class', models.CharField(blank=True, choices=[('class_1', '第一类'), ('class_2', '第二类'), ('class_3', '第三类')], max_length=8, verbose_name='器械类别')),
                        ('device_status', models.CharField(blank=True, choices=[('in_development', '研发中'), ('in_review', '注册/备案审评中'), ('filed', '已备案'), ('registered', '已注册')], max_length=16, verbose_name='注册/备案状态')),
                        ('device_number', models.CharField(blank=True, max_length=40, verbose_name='注册证/备案编号')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='products', to='enterprises.enterprise', verbose_name='企业')),
                        ('park', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='products', to='parks.park', verbose_name='园区')),
                    ],
                    options={
                        'db_table': 'park_statistics_product',
                        'verbose_name': '研发产品',
                        'verbose_name_plural': '研发产品',
                        'ordering': ['park_id', 'enterprise_id', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('kind', models.CharField(choices=[('listing', '上市'), ('high_tech', '认定高新技术企业'), ('other', '其他')], max_length=16, verbose_name='类型')),
                        ('on', models.DateField(verbose_name='日期')),
                        ('exchange', models.CharField(blank=True, choices=[('unlisted', '未上市'), ('sh_main', '上交所主板'), ('sz_main', '深交所主板'), ('star', '科创板'), ('chinext', '创业板'), ('bse', '北交所'), ('neeq', '新三板'), ('hkex', '港交所'), ('overseas', '境外其他')], max_length=16, verbose_name='上市板块')),
                        ('stock_code', models.CharField(blank=True, max_length=12, verbose_name='股票代码')),
                        ('short_name', models.CharField(blank=True, max_length=40, verbose_name='证券简称')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='milestones', to='enterprises.enterprise', verbose_name='企业')),
                        ('park', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='milestones', to='parks.park', verbose_name='园区')),
                    ],
                    options={
                        'db_table': 'park_statistics_milestone',
                        'verbose_name': '企业里程碑',
                        'verbose_name_plural': '企业里程碑',
                        'ordering': ['-on', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'listing'), _negated=True), models.Q(models.Q(('exchange', ''), _negated=True), models.Q(('stock_code', ''), _negated=True)), _connector='OR'), name='milestone_listing_needs_exchange_and_code', violation_error_message='上市里程碑须填写上市板块和股票代码')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='project',
                    constraint=models.CheckConstraint(condition=models.Q(('started_on__isnull', True), ('completed_on__isnull', True), ('completed_on__gte', models.F('started_on')), _connector='OR'), name='project_completed_after_start', violation_error_message='建成投用日期不能早于开工日期'),
                ),
                migrations.AddConstraint(
                    model_name='projectprogress',
                    constraint=models.UniqueConstraint(fields=('project', 'year', 'month'), name='project_progress_one_per_month'),
                ),
            ],
            database_operations=[],
        ),
    ]
